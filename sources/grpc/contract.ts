/** Reads a .proto file and its imports into one resolved protobufjs Root, offline. */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import {
  ContractError,
  contractNotFound,
  contractUnreadable,
  createLocationPolicy,
} from '../common/index.js';

/** How many parent folders of the contract are searched for imports when no includeDirs are given. */
const DEFAULT_ANCESTOR_DEPTH = 4;

/** The folder of `file` and a few of its parents: "billing/v1/types.proto" resolves from the proto root. */
function defaultIncludeDirs(file: string): string[] {
  const dirs: string[] = [];
  let dir = dirname(file);
  for (let i = 0; i <= DEFAULT_ANCESTOR_DEPTH; i += 1) {
    dirs.push(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dirs;
}

/** Parse options shared with reflection: proto field names are kept as written, comments become descriptions. */
export const PARSE_OPTIONS = Object.freeze({ keepCase: true, alternateCommentMode: true });

/** Imports protobufjs serves from its bundled copies when no include dir has them. */
const BUNDLED = /^google\/protobuf\/[\w/]+\.proto$/;

/**
 * Loads `contract` and everything it imports. Imports are looked up in
 * `includeDirs` in order; google/protobuf/* well-known types fall back to the
 * copies bundled with protobufjs. An import must resolve inside an include
 * dir, the contract's folder or a `contractAllow` folder: an absolute import
 * or one that climbs out with `..` is refused, as is one found nowhere (it
 * would otherwise be read relative to the working directory). Throws
 * ContractError (CONTRACT_UNREADABLE for a missing file, CONTRACT_INVALID for
 * a syntax error or an unresolved type, CONTRACT_LOCATION_REFUSED for an
 * import outside those folders).
 */
export function loadProtoContract(
  source: string,
  contract: string,
  includeDirs?: readonly string[],
  allow: readonly string[] = [],
): protobuf.Root {
  if (/^[a-z]+:\/\//i.test(contract)) {
    throw new ContractError({
      code: 'CONTRACT_UNREADABLE',
      source,
      safeMessage: `${source}: a gRPC contract must be a local .proto file, or use reflection.`,
    });
  }
  const file = resolve(contract);
  if (!existsSync(file)) {
    throw contractUnreadable({ source, location: contract, reason: contractNotFound(contract) });
  }
  const dirs = (includeDirs ?? defaultIncludeDirs(file)).map((dir) => resolve(dir));
  // The include dirs are configuration (or the proto tree the contract sits in): they are the allowed folders.
  const policy = createLocationPolicy(source, file, [...dirs.map((dir) => `${dir}/`), ...allow]);
  let refused: ContractError | undefined;
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (origin === '' || origin === null || target === file) return target;
    try {
      const relative = join(dirname(origin), target);
      const found = [relative, ...dirs.map((dir) => join(dir, target))].find(
        (candidate) => !isAbsolute(target) && existsSync(candidate),
      );
      if (found !== undefined) {
        policy.check(found, origin);
        return found;
      }
      // protobufjs serves google/protobuf/*.proto from its bundled copies when the name is returned as is.
      if (BUNDLED.test(target)) return target;
      policy.check(isAbsolute(target) ? target : relative, origin);
      throw new ContractError({
        code: 'CONTRACT_UNREADABLE',
        source,
        location: target.slice(0, 300),
        safeMessage: `${source}: the import "${target.slice(0, 200)}" was found in none of the include dirs.`,
      });
    } catch (error) {
      // protobufjs wraps what resolvePath throws; keep ours to rethrow as it is.
      refused ??= error as ContractError;
      throw error;
    }
  };
  try {
    root.loadSync(file, PARSE_OPTIONS);
    root.resolveAll();
  } catch (cause) {
    if (refused !== undefined) throw refused;
    // The operator's own file names stay in the message: a ContractError is read at start-up, never by a caller.
    const reason = cause instanceof Error ? cause.message : 'unreadable';
    throw new ContractError({
      code: /ENOENT|no such file/i.test(reason) ? 'CONTRACT_UNREADABLE' : 'CONTRACT_INVALID',
      source,
      safeMessage: `${source}: the .proto contract could not be read: ${reason.slice(0, 200)}`,
      location: contract,
      cause,
    });
  }
  return root;
}
