import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../../../sources/common/index.js';
import { createRestSource } from '../../../../sources/rest/index.js';
import { assertValidSubgraph } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rest-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function contractError(contract: string): Promise<ContractError> {
  const error = await createRestSource({ name: 'shop', contract }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractError);
  return error as ContractError;
}

describe('reading a REST contract', () => {
  it('fails with one clear ContractError for a missing file', async () => {
    const error = await contractError(join(dir, 'nope.yaml'));
    expect(error.code).toBe('CONTRACT_UNREADABLE');
    expect(error.safeMessage).toContain('could not be read');
  });

  it('fails with CONTRACT_UNREADABLE for text that is neither JSON nor YAML', async () => {
    const error = await contractError(write('garbage.yaml', 'openapi: [3.0\n  : : {{{\n\t- ]'));
    expect(error.code).toBe('CONTRACT_UNREADABLE');
    expect(error.safeMessage).toContain('neither JSON nor YAML');
  });

  it('fails with CONTRACT_INVALID for JSON that is not OpenAPI', async () => {
    for (const text of [
      '{"hello": "world"}',
      '[1,2,3]',
      '42',
      '{"openapi": "4.0.0", "paths": {}}',
      '{"openapi": "3.0.0", "paths": []}',
    ]) {
      const error = await contractError(write('not-openapi.json', text));
      expect(error.code).toBe('CONTRACT_INVALID');
      expect(error.safeMessage).toMatch(/OpenAPI|paths/);
    }
  });

  it('refuses YAML alias bombs instead of expanding them', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    ].join('\n');
    const error = await contractError(write('bomb.yaml', `openapi: 3.0.0\n${bomb}\npaths: {}\n`));
    expect(error.code).toBe('CONTRACT_UNREADABLE');
  });

  it('survives schemas nested thousands of levels deep, mapping the depths to JSON with a warning', async () => {
    // Written as text: JSON.stringify itself would overflow on an object this deep.
    const levels = 5000;
    const schema =
      '{"type":"object","properties":{"inner":'.repeat(levels) +
      '{"type":"string"}' +
      '}}'.repeat(levels);
    const contract = `{"openapi":"3.0.0","info":{"title":"deep","version":"1"},"paths":{"/deep":{"get":{"operationId":"getDeep","responses":{"200":{"description":"ok","content":{"application/json":{"schema":${schema}}}}}}}}}`;
    const source = await createRestSource({ name: 'deep', contract: write('deep.json', contract) });
    assertValidSubgraph(source.typeDefs);
    expect(source.operations.has('getDeep')).toBe(true);
    expect(source.warnings.some((w) => w.message.includes('nests deeper than'))).toBe(true);
  });

  it('keeps working when one operation is broken, and says where', async () => {
    const contract = {
      openapi: '3.0.0',
      info: { title: 'partly broken', version: '1' },
      paths: {
        '/good': {
          get: {
            operationId: 'good',
            responses: {
              '200': {
                description: 'ok',
                content: {
                  'application/json': {
                    schema: { type: 'object', properties: { a: { type: 'string' } } },
                  },
                },
              },
            },
          },
        },
        '/bad': { $ref: '#/nowhere' },
        '/worse': {
          get: {
            operationId: 'worse',
            parameters: [{ $ref: '#/components/parameters/Gone' }, 'junk'],
            responses: 'junk',
          },
        },
      },
    };
    const source = await createRestSource({
      name: 'partly',
      contract: write('partly.json', JSON.stringify(contract)),
    });
    assertValidSubgraph(source.typeDefs);
    expect([...source.operations.keys()].sort()).toEqual(['good', 'worse']);
    expect(source.warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining([
        '#/paths/~1bad',
        '#/paths/~1worse/get/parameters/0',
        '#/paths/~1worse/get/parameters/1',
      ]),
    );
  });

  it('rejects a source name that is not valid GraphQL', async () => {
    await expect(
      createRestSource({
        name: 'my-shop',
        contract: write('ok.json', '{"openapi":"3.0.0","paths":{}}'),
      }),
    ).rejects.toThrow(/valid GraphQL name/);
  });
});
