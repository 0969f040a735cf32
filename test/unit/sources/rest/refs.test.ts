import { describe, expect, it } from 'vitest';
import {
  deref,
  externalFiles,
  readPointer,
  refTarget,
  resolveFile,
  type DocumentSet,
} from '../../../../sources/rest/refs.js';

const doc = {
  paths: { '/pets': { get: { parameters: [{ name: 'limit' }] } } },
  'a~b': { 'c/d': 1 },
  loop: { $ref: '#/loop2' },
  loop2: { $ref: '#/loop' },
};
const docs: DocumentSet = {
  root: '/c/main.yaml',
  files: new Map<string, unknown>([
    ['/c/main.yaml', doc],
    ['/c/schemas/pet.yaml', { Pet: { type: 'object' } }],
  ]),
};

describe('rest $ref resolution', () => {
  it('reads JSON pointers with ~0, ~1 and percent-encoding', () => {
    expect(readPointer(doc, '/paths/~1pets/get/parameters/0')).toEqual({
      found: true,
      node: { name: 'limit' },
    });
    expect(readPointer(doc, '/a~0b/c~1d')).toEqual({ found: true, node: 1 });
    expect(readPointer(doc, '/paths/%7E1pets/get/parameters/0')).toEqual({
      found: true,
      node: { name: 'limit' },
    });
    expect(readPointer(doc, '/paths/~1pets/get/parameters/7')).toEqual({ found: false });
    expect(readPointer(doc, '/constructor')).toEqual({ found: false });
  });

  it('resolves neighbouring files relative to the file that names them', () => {
    expect(refTarget('./schemas/pet.yaml#/Pet', { file: '/c/main.yaml', pointer: '' })).toEqual({
      file: '/c/schemas/pet.yaml',
      pointer: '/Pet',
    });
    expect(resolveFile('../x/./y.yaml', '/c/schemas/pet.yaml')).toBe('/c/x/y.yaml');
    expect(resolveFile('other.json', 'http://h/specs/main.json')).toBe('http://h/specs/other.json');
    expect(
      externalFiles(
        { a: { $ref: 'schemas/pet.yaml#/Pet' }, b: [{ $ref: '#/local' }] },
        '/c/main.yaml',
      ),
    ).toEqual(['/c/schemas/pet.yaml']);
  });

  it('follows ref chains into other files and names the last target', () => {
    const result = deref(docs, {
      node: { $ref: 'schemas/pet.yaml#/Pet' },
      loc: { file: '/c/main.yaml', pointer: '' },
    });
    expect(result).toMatchObject({
      ok: true,
      node: { type: 'object' },
      named: { file: '/c/schemas/pet.yaml', pointer: '/Pet' },
    });
  });

  it('reports loops and missing targets instead of recursing', () => {
    expect(
      deref(docs, { node: { $ref: '#/loop' }, loc: { file: '/c/main.yaml', pointer: '' } }),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('refers to itself') });
    expect(
      deref(docs, { node: { $ref: '#/nope' }, loc: { file: '/c/main.yaml', pointer: '' } }),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('points to nothing') });
    expect(
      deref(docs, { node: { $ref: 'gone.yaml#/X' }, loc: { file: '/c/main.yaml', pointer: '' } }),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('could not be read') });
  });
});
