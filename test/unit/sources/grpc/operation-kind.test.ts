import { describe, expect, it } from 'vitest';
import type { MethodModel } from '../../../../sources/grpc/model.js';
import { decideOperationKind } from '../../../../sources/grpc/operation-kind.js';

const PREFIXES = ['Get', 'List', 'Batch', 'Search', 'Lookup'];
const method = (name: string, extra: Partial<MethodModel> = {}): MethodModel =>
  ({
    method: name,
    name: name.charAt(0).toLowerCase() + name.slice(1),
    service: 'shop.v1.Shop',
    streaming: 'unary',
    ...extra,
  }) as MethodModel;

describe('query or mutation', () => {
  it('makes read prefixes queries only at a word boundary', () => {
    expect(decideOperationKind(method('GetPrice'), { queryPrefixes: PREFIXES })).toEqual({
      kind: 'query',
      idempotent: true,
    });
    expect(decideOperationKind(method('BatchGetPrices'), { queryPrefixes: PREFIXES }).kind).toBe(
      'query',
    );
    expect(decideOperationKind(method('Getaway'), { queryPrefixes: PREFIXES })).toEqual({
      kind: 'mutation',
      idempotent: false,
    });
    expect(decideOperationKind(method('List'), { queryPrefixes: PREFIXES }).kind).toBe('query');
  });

  it('honours idempotency_level and config, config first', () => {
    expect(
      decideOperationKind(method('Ping', { idempotencyLevel: 'NO_SIDE_EFFECTS' }), {
        queryPrefixes: PREFIXES,
      }).kind,
    ).toBe('query');
    expect(
      decideOperationKind(method('SetPrice', { idempotencyLevel: 'IDEMPOTENT' }), {
        queryPrefixes: PREFIXES,
      }),
    ).toEqual({ kind: 'mutation', idempotent: true });
    expect(
      decideOperationKind(method('GetPrice'), {
        queryPrefixes: PREFIXES,
        operationKinds: { 'shop.v1.Shop.GetPrice': 'mutation' },
      }).kind,
    ).toBe('mutation');
    expect(
      decideOperationKind(method('Refresh'), {
        queryPrefixes: PREFIXES,
        operationKinds: { refresh: 'query' },
      }).kind,
    ).toBe('query');
  });

  it('makes server streams subscriptions', () => {
    expect(
      decideOperationKind(method('GetUpdates', { streaming: 'server' }), {
        queryPrefixes: PREFIXES,
      }).kind,
    ).toBe('subscription');
  });
});
