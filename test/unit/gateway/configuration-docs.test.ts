import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../gateway/index.js';

/** `{ limits: { maxDepth: 12 } }` → `{ "limits.maxDepth": 12 }`. */
function flatten(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner))
      Object.assign(result, flatten(inner as Record<string, unknown>, path));
    else result[path] = inner;
  }
  return result;
}

function documentedDefaults(markdown: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | `option` | type | `default` | meaning |
    const option = /^`([a-zA-Z.]+)`$/.exec(cells[1] ?? '');
    const fallback = /^`(.*)`$/.exec(cells[3] ?? '');
    if (option && fallback) result[option[1] as string] = JSON.parse(fallback[1] as string);
  }
  return result;
}

describe('docs/configuration.md', () => {
  const markdown = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

  it('lists every default of DEFAULTS with the same value, and nothing else', () => {
    const documented = documentedDefaults(markdown);
    expect(Object.keys(documented).length).toBeGreaterThan(5);
    expect(documented).toEqual(flatten(DEFAULTS as unknown as Record<string, unknown>));
  });

  it('matches the @default of every option in gateway/config/options.ts', () => {
    const source = readFileSync(
      new URL('../../../gateway/config/options.ts', import.meta.url),
      'utf8',
    );
    const flat = flatten(DEFAULTS as unknown as Record<string, unknown>);
    for (const [path, value] of Object.entries(flat)) {
      const key = path.split('.').pop() as string;
      const shown = Array.isArray(value) ? '[]' : JSON.stringify(value);
      // Each option's doc comment, just above its declaration `key: …`, carries "@default <value>".
      const pattern = new RegExp(
        `@default ${shown.replace(/[[\]"]/g, '\\$&')}[^\\n]*\\*/\\s*\\n\\s*${key}:`,
      );
      expect(source, `${path} should be documented as @default ${shown}`).toMatch(pattern);
    }
  });
});
