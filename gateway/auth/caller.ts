/**
 * Who is calling: the one answer every per-caller concern reads (scopes,
 * limits, the audit trail, logs, the read cache's sharing rule). Built once
 * per request at the edge; nothing downstream looks at headers again.
 */

export interface Caller {
  /** "token" when a verified bearer token came with the request; "anonymous" otherwise. */
  readonly kind: 'anonymous' | 'token';
  /**
   * Stable id for the audit trail, limits and logs: the token's `jti`, or
   * "anonymous". Never the token itself.
   */
  readonly id: string;
  /** The partner the token was issued to (its `sub`), when there is one. */
  readonly partner?: string;
  /** What the caller may see and do (docs/partners.md once written). */
  readonly scopes: ReadonlySet<string>;
  /** The plan its limits come from, when configured. */
  readonly plan?: string;
  /** Who issued the token: this gateway or a trusted identity provider. */
  readonly issuer?: string;
  /** The client's network address, as the socket saw it. */
  readonly address: string;
}

/** A caller with no token: the configured anonymous scopes and no partner. */
export function anonymousCaller(address: string, scopes: ReadonlySet<string> = new Set()): Caller {
  return { kind: 'anonymous', id: 'anonymous', scopes, address };
}
