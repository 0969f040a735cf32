/** The persisted operations' registry file: every key must be its document's SHA-256, every document GraphQL. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  documentHash,
  loadPersistedOperations,
} from '../../../../gateway/plugins/persisted-operations.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-persisted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const registry = (content: string): string => {
  files += 1;
  const file = join(dir, `registry-${files}.json`);
  writeFileSync(file, content);
  return file;
};
const DOC = '{ product(sku: "SKU-00001") { title } }';
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('loadPersistedOperations', () => {
  it('keys documents by the SHA-256 clients compute', async () => {
    const loaded = await loadPersistedOperations({
      file: registry(JSON.stringify({ [sha(DOC)]: DOC })),
      requiredFor: ['acme'],
    });
    expect(documentHash(DOC)).toBe(sha(DOC));
    expect(loaded.documents.get(sha(DOC))).toBe(DOC);
    expect([...loaded.requiredFor]).toEqual(['acme']);
  });

  it.each([
    ['not JSON', '{', /could not be read as JSON/],
    ['an array', '[]', /should hold an object/],
    ['a key that is not the hash', JSON.stringify({ [sha('other')]: DOC }), /is not the SHA-256/],
    ['a document that is not a string', JSON.stringify({ [sha(DOC)]: 1 }), /not a string/],
    [
      'a document that does not parse',
      JSON.stringify({ [sha('{ a')]: '{ a' }),
      /not valid GraphQL/,
    ],
  ])('refuses %s with CONFIG_INVALID', async (_case, content, message) => {
    await expect(
      loadPersistedOperations({ file: registry(content), requiredFor: [] }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      safeMessage: expect.stringMatching(message),
    });
  });
});
