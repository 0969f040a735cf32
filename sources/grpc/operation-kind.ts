/** Which RPCs are queries and which are mutations, and which may be retried blindly. */
import type { OperationKind } from '../common/index.js';
import type { MethodModel } from './model.js';
import type { GrpcOperationKind } from './options.js';

export interface KindRule {
  operationKinds?: Readonly<Record<string, GrpcOperationKind>>;
  queryPrefixes: readonly string[];
}

/** "GetPrice" starts with "Get"; "Getaway" does not: the prefix must end a word. */
function hasPrefix(method: string, prefix: string): boolean {
  if (!method.startsWith(prefix)) return false;
  const next = method.charAt(prefix.length);
  return (
    next === '' || next === '_' || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9')
  );
}

/**
 * Server-streaming RPCs are subscriptions. A unary RPC is a query when the
 * config says so (by method or full name), when the contract marks it
 * `idempotency_level = NO_SIDE_EFFECTS`, or when its name starts with a read
 * prefix; otherwise a mutation. Queries and subscriptions are idempotent;
 * mutations only when marked `IDEMPOTENT` in the contract.
 */
export function decideOperationKind(
  method: MethodModel,
  rule: KindRule,
): { kind: OperationKind; idempotent: boolean } {
  if (method.streaming === 'server') return { kind: 'subscription', idempotent: true };
  const configured =
    rule.operationKinds?.[`${method.service}.${method.method}`] ??
    rule.operationKinds?.[method.method] ??
    rule.operationKinds?.[method.name];
  const kind: OperationKind =
    configured ??
    (method.idempotencyLevel === 'NO_SIDE_EFFECTS' ||
    rule.queryPrefixes.some((prefix) => hasPrefix(method.method, prefix))
      ? 'query'
      : 'mutation');
  return {
    kind,
    idempotent:
      kind === 'query' ||
      method.idempotencyLevel === 'IDEMPOTENT' ||
      method.idempotencyLevel === 'NO_SIDE_EFFECTS',
  };
}
