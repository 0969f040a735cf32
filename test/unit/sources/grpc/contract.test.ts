import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../../sources/common/index.js';
import { createGrpcSource } from '../../../../sources/grpc/index.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/proto/', import.meta.url));

async function contractError(promise: Promise<unknown>): Promise<ContractError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return error as ContractError;
  }
  throw new Error('expected a ContractError');
}

describe('reading .proto contracts', () => {
  it('says which file is missing', async () => {
    const error = await contractError(
      createGrpcSource({ name: 'x', contract: `${FIXTURES}nope.proto` }),
    );
    expect(error.code).toBe('CONTRACT_UNREADABLE');
    expect(error.safeMessage).toContain('nope.proto');
  });

  it('says which import cannot be found', async () => {
    // Without the fixture root on the include path, edge/other.proto is not found from edge/ itself.
    const error = await contractError(
      createGrpcSource({
        name: 'x',
        contract: `${FIXTURES}edge/edge-cases.proto`,
        includeDirs: [`${FIXTURES}grpc`],
      }),
    );
    expect(error.code).toBe('CONTRACT_UNREADABLE');
    expect(error.safeMessage).toContain('edge/other.proto');
  });

  it('reports syntax errors and unresolved types as CONTRACT_INVALID with the line or type', async () => {
    const syntax = await contractError(
      createGrpcSource({ name: 'x', contract: `${FIXTURES}edge/syntax-error.proto` }),
    );
    expect(syntax.code).toBe('CONTRACT_INVALID');
    expect(syntax.safeMessage).toContain('line 5');
    const unresolved = await contractError(
      createGrpcSource({ name: 'x', contract: `${FIXTURES}edge/unresolved-type.proto` }),
    );
    expect(unresolved.code).toBe('CONTRACT_INVALID');
    expect(unresolved.safeMessage).toContain('Missing');
  });

  it('refuses bad options with a sentence on how to fix them', async () => {
    await expect(
      createGrpcSource({ name: 'bad-name', contract: `${FIXTURES}edge/other.proto` }),
    ).rejects.toThrow('should be a valid GraphQL name');
    await expect(createGrpcSource({ name: 'x' })).rejects.toThrow(
      'need a contract (.proto file) or reflection: true',
    );
    await expect(createGrpcSource({ name: 'x', reflection: true })).rejects.toThrow('need a url');
    await expect(
      createGrpcSource({ name: 'x', contract: `${FIXTURES}edge/other.proto`, deadlineMs: -1 }),
    ).rejects.toThrow('deadlineMs should be a positive number');
    await expect(
      createGrpcSource({
        name: 'x',
        contract: `${FIXTURES}edge/other.proto`,
        batch: { nope: { key: 'id', itemKey: 'id' } },
      }),
    ).rejects.toThrow(/names operation "nope", which x does not have/);
  });

  it('builds offline, and a call without a url fails as a SourceError', async () => {
    const source = await createGrpcSource({
      name: 'edge',
      contract: `${FIXTURES}edge/edge-cases.proto`,
      includeDirs: [FIXTURES],
    });
    await expect(
      source.operations.get('getTree')?.invoke({ value: 'x' }, {}),
    ).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    expect(await source.health()).toMatchObject({ ok: false });
    await source.close();
  });
});
