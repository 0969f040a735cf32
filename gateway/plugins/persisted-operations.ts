/**
 * Persisted (trusted) operations: documents registered ahead in a file,
 * keyed by the SHA-256 of their text, and sent by that hash in the request's
 * `extensions.persistedQuery.sha256Hash` (the convention of Apollo's
 * persisted queries, which Apollo Client, urql and Relay's persisted-query
 * setups send). Partners listed in `persistedOperations.requiredFor` may send
 * nothing else (docs/partners.md, "Persisted operations").
 *
 * Unlike Apollo's automatic persisted queries, a caller never registers a
 * document: the registry is the operator's file, checked at start (each key
 * must be its document's hash), so a hash names exactly one trusted text.
 * Hand-written rather than @graphql-yoga/plugin-persisted-operations (not a
 * dependency): the rule needs the caller, which our edge puts in the server
 * context, and is a dozen lines.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Caller } from '../auth/index.js';
import { GatewayError, toGraphQLError } from '../errors.js';

/** The registry and the rule, built once per gateway. */
export interface PersistedOperations {
  /** Document text by the lower-case hex SHA-256 of that text. */
  readonly documents: ReadonlyMap<string, string>;
  /** Partners that may send only registered documents; "*" in it: every caller with a partner. */
  readonly requiredFor: ReadonlySet<string>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The lower-case hex SHA-256 of a document's UTF-8 text, as clients compute it. */
export function documentHash(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

function configError(message: string, cause?: unknown): GatewayError {
  return new GatewayError({
    code: 'CONFIG_INVALID',
    safeMessage: `persistedOperations.file: ${message}`,
    details: { path: 'persistedOperations.file' },
    cause,
  });
}

/**
 * Reads the registry file: a JSON object of hash → document. Every key must
 * be the hash of its document and every document must parse.
 * @throws CONFIG_INVALID naming the file's problem (not its content)
 */
export async function loadPersistedOperations(options: {
  readonly file: string | null;
  readonly requiredFor: readonly string[];
}): Promise<PersistedOperations> {
  const documents = new Map<string, string>();
  if (options.file !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(options.file, 'utf8'));
    } catch (error) {
      throw configError(`${options.file} could not be read as JSON.`, error);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw configError(`${options.file} should hold an object of "<sha256 hex>": "<document>".`);
    for (const [hash, document] of Object.entries(parsed)) {
      const at = `${options.file}, key ${hash.slice(0, 80)}`;
      if (typeof document !== 'string') throw configError(`${at}: the document is not a string.`);
      if (!SHA256_HEX.test(hash) || documentHash(document) !== hash)
        throw configError(
          `${at}: the key is not the SHA-256 (lower-case hex) of its document, ${documentHash(document)}.`,
        );
      try {
        parse(document, { noLocation: true });
      } catch (error) {
        throw configError(`${at}: the document is not valid GraphQL.`, error);
      }
      documents.set(hash, document);
    }
  }
  return { documents, requiredFor: new Set(options.requiredFor) };
}

function refused(
  code: 'PERSISTED_OPERATION_REQUIRED' | 'PERSISTED_OPERATION_NOT_FOUND',
  status: number,
  message: string,
) {
  const error = toGraphQLError(new GatewayError({ code, safeMessage: message }));
  error.extensions.http = { status };
  return error;
}

/** The hash a request names, undefined when it names none; a malformed one reads as unknown (""). */
function requestedHash(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const persisted = (extensions as Record<string, unknown>).persistedQuery;
  if (persisted === undefined) return undefined;
  const hash =
    typeof persisted === 'object' && persisted !== null
      ? (persisted as Record<string, unknown>).sha256Hash
      : undefined;
  return typeof hash === 'string' && SHA256_HEX.test(hash) ? hash : '';
}

/**
 * Swaps a registered hash for its document before anything parses, and
 * refuses a partner bound to persisted operations any other request:
 * PERSISTED_OPERATION_REQUIRED (403) without a hash, PERSISTED_OPERATION_NOT_FOUND
 * (400) for a hash not registered or a sent document that is not the one the hash names.
 */
export function usePersistedOperations(
  persisted: PersistedOperations,
): Plugin<Record<string, unknown>, { caller?: Caller }> {
  const required = (caller: Caller | undefined): boolean =>
    caller?.partner !== undefined &&
    (persisted.requiredFor.has('*') || persisted.requiredFor.has(caller.partner));
  return {
    onParams({ params, setParams, context }) {
      const hash = requestedHash(params.extensions);
      if (hash === undefined) {
        if (required(context.caller))
          throw refused(
            'PERSISTED_OPERATION_REQUIRED',
            403,
            'This token may send only persisted operations: send extensions.persistedQuery.sha256Hash of a registered document.',
          );
        return;
      }
      const document = persisted.documents.get(hash);
      // The hash is checked here, never trusted: a document sent along must be the one registered under it.
      if (document === undefined || (params.query !== undefined && params.query !== document))
        throw refused(
          'PERSISTED_OPERATION_NOT_FOUND',
          400,
          'No persisted operation is registered under this sha256Hash (with this document).',
        );
      setParams({ ...params, query: document });
    },
  };
}
