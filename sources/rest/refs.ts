/**
 * `$ref` resolution over a set of loaded documents (the contract and the
 * neighbouring files it points to). Written by hand rather than with a
 * dereferencing library because those inline every ref: a cyclic contract
 * then becomes an infinite object, and GitHub's 13 MB document becomes
 * 70 MB. Here a ref stays a pointer; `types.ts` turns each pointed-to schema
 * into one named GraphQL type, which is what breaks cycles.
 */

/** Where a node lives: a file (absolute path or URL) and a JSON pointer inside it. */
export interface Loc {
  readonly file: string;
  /** "" for the root, "/paths/~1pets/get" otherwise. */
  readonly pointer: string;
}

/** A node together with the place it was found, so its own refs resolve relative to that file. */
export interface Located {
  readonly node: unknown;
  readonly loc: Loc;
}

/** Every document of one contract, by file. */
export interface DocumentSet {
  readonly root: string;
  readonly files: ReadonlyMap<string, unknown>;
}

/** The longest chain of refs pointing at refs we follow before calling it a loop. */
const MAX_REF_HOPS = 64;

export function locKey(loc: Loc): string {
  return `${loc.file}#${loc.pointer}`;
}

/** `#/paths/~1pets/get` for a warning's `path`; the file is named only when it is not the root. */
export function showLoc(loc: Loc, docs: DocumentSet): string {
  const pointer = `#${loc.pointer}`;
  return loc.file === docs.root ? pointer : `${baseName(loc.file)}${pointer}`;
}

function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] ?? file;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function childLoc(loc: Loc, ...segments: Array<string | number>): Loc {
  return {
    file: loc.file,
    pointer: loc.pointer + segments.map((s) => `/${escapePointerSegment(String(s))}`).join(''),
  };
}

/** Reads a JSON pointer (RFC 6901, plus the percent-encoding a URI fragment may carry). */
export function readPointer(
  document: unknown,
  pointer: string,
): { found: true; node: unknown } | { found: false } {
  if (pointer === '') return { found: true, node: document };
  if (!pointer.startsWith('/')) return { found: false };
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      segment = raw;
    }
    segment = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment) || Number(segment) >= current.length) return { found: false };
      current = current[Number(segment)];
    } else if (isObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return { found: false };
    }
  }
  return { found: true, node: current };
}

/** Splits `other.yaml#/components/schemas/Pet` into an absolute file and a pointer, relative to `from`. */
export function refTarget(ref: string, from: Loc): Loc {
  const hash = ref.indexOf('#');
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : ref.slice(hash + 1);
  return { file: filePart === '' ? from.file : resolveFile(filePart, from.file), pointer };
}

/** A neighbouring file's location: relative to the file that names it, as a URL or a path. */
export function resolveFile(relative: string, base: string): string {
  if (/^https?:\/\//i.test(base) || /^https?:\/\//i.test(relative))
    return new URL(relative, base).href;
  const baseDir = base.replace(/[\\/][^\\/]*$/, '');
  const joined = relative.startsWith('/') ? relative : `${baseDir}/${relative}`;
  // Normalise "a/./b/../c" without touching the file system.
  const out: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '.' || (part === '' && out.length > 0)) continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

export type Deref =
  | { ok: true; node: unknown; loc: Loc; named: Loc | undefined }
  | { ok: false; reason: string; loc: Loc };

/**
 * Follows `$ref` until a node that is not a ref. `named` is the last ref
 * target on the way, which names the type (`#/components/schemas/Pet`).
 * Never loops: a chain longer than MAX_REF_HOPS or one that comes back on
 * itself is reported as unresolvable.
 */
export function deref(docs: DocumentSet, located: Located): Deref {
  let { node, loc } = located;
  let named: Loc | undefined;
  const seen = new Set<string>();
  for (let hop = 0; isObject(node) && typeof node.$ref === 'string'; hop += 1) {
    const target = refTarget(node.$ref, loc);
    const key = locKey(target);
    if (seen.has(key) || hop >= MAX_REF_HOPS)
      return { ok: false, reason: `$ref "${node.$ref}" refers to itself`, loc };
    seen.add(key);
    const document = docs.files.get(target.file);
    if (document === undefined)
      return {
        ok: false,
        reason: `$ref "${node.$ref}" points to a file that could not be read`,
        loc,
      };
    const read = readPointer(document, target.pointer);
    if (!read.found) return { ok: false, reason: `$ref "${node.$ref}" points to nothing`, loc };
    node = read.node;
    loc = target;
    named = target;
  }
  return { ok: true, node, loc, named };
}

/**
 * Every file named by a `$ref` in `document`, resolved against `file`.
 * Iterative, so a deeply nested (or hostile) document cannot overflow the stack.
 */
export function externalFiles(document: unknown, file: string): string[] {
  const found = new Set<string>();
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) stack.push(item);
    } else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
          const hash = value.indexOf('#');
          const part = hash === -1 ? value : value.slice(0, hash);
          if (part !== '') found.add(resolveFile(part, file));
        } else if (typeof value === 'object' && value !== null) {
          stack.push(value);
        }
      }
    }
  }
  return [...found].sort();
}
