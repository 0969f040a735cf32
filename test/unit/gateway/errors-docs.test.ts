import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERROR_CODES } from '../../../gateway/index.js';
import { WRITE_ERROR_CODES } from '../../../gateway/writes/index.js';
import { NOTICE_CODES } from '../../../gateway/pipeline/index.js';
import { CONTRACT_ERROR_CODES, SOURCE_ERROR_CODES } from '../../../sources/common/index.js';

/** Codes in the first cell of the tables of docs/errors.md, with their cause and fix cells. */
function documentedCodes(markdown: string): Map<string, { cause: string; fix: string }> {
  const rows = new Map<string, { cause: string; fix: string }>();
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const code = /^`([A-Z_]+)`$/.exec(cells[1] ?? '');
    if (code) rows.set(code[1] as string, { cause: cells[2] ?? '', fix: cells[3] ?? '' });
  }
  return rows;
}

describe('docs/errors.md', () => {
  const documented = documentedCodes(
    readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8'),
  );
  const codes = [
    ...SOURCE_ERROR_CODES,
    ...CONTRACT_ERROR_CODES,
    ...GATEWAY_ERROR_CODES,
    ...WRITE_ERROR_CODES,
    ...NOTICE_CODES,
  ];

  it('has a row for every error code, and no row for a code that does not exist', () => {
    expect([...documented.keys()].sort()).toEqual([...codes].sort());
  });

  it('gives every code a cause and a fix', () => {
    for (const code of codes) {
      const row = documented.get(code);
      expect(row?.cause.length, `${code} cause`).toBeGreaterThan(10);
      expect(row?.fix.length, `${code} fix`).toBeGreaterThan(10);
    }
  });

  it('keeps the code lists free of duplicates', () => {
    expect(new Set(codes).size).toBe(codes.length);
  });
});
