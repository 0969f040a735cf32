import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMON_SOURCE_OPTION_KEYS } from '../../../../sources/common/index.js';
import { GRPC_OPTION_KEYS } from '../../../../sources/grpc/index.js';
import { REST_OPTION_KEYS } from '../../../../sources/rest/index.js';
import { SOAP_OPTION_KEYS } from '../../../../sources/soap/index.js';

/** Rows of the "Source options" table: | kinds | `option` | type | default | what |. */
function documentedOptions(markdown: string): Map<string, Set<string>> {
  const byKind = new Map<string, Set<string>>([
    ['rest', new Set()],
    ['soap', new Set()],
    ['grpc', new Set()],
  ]);
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const option = /^`([a-zA-Z]+)`$/.exec(cells[2] ?? '');
    if (cells.length !== 7 || option === null) continue;
    const kinds =
      cells[1] === 'all'
        ? ['rest', 'soap', 'grpc']
        : (cells[1] ?? '').split(',').map((kind) => kind.trim());
    for (const kind of kinds) byKind.get(kind)?.add(option[1] as string);
  }
  return byKind;
}

describe('docs/configuration.md, source options', () => {
  const documented = documentedOptions(
    readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8'),
  );

  it.each([
    ['rest', REST_OPTION_KEYS],
    ['soap', SOAP_OPTION_KEYS],
    ['grpc', GRPC_OPTION_KEYS],
  ])('documents every option of a %s source, and nothing it does not take', (kind, keys) => {
    expect([...(documented.get(kind) ?? [])].sort()).toEqual([...keys].sort());
    for (const key of COMMON_SOURCE_OPTION_KEYS) expect(keys).toContain(key);
  });
});
