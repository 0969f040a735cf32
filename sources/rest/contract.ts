/**
 * Reads an OpenAPI contract: a file or an http(s) URL, JSON or YAML, plus
 * every neighbouring file its `$ref`s name. Anything that keeps us from
 * having a document fails here with one ContractError; everything after
 * this point degrades to warnings instead.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { Agent, request, type Dispatcher } from 'undici';
import { parse as parseYaml } from 'yaml';
import {
  ContractError,
  createGuardedLookup,
  createLocationPolicy,
  isAddressRefused,
  type LocationPolicy,
  ContractHttpStatus,
  contractReadReason,
  contractUnreadable,
  shownLocation,
} from '../common/index.js';
import { externalFiles, isObject, type DocumentSet } from './refs.js';

export type ContractVersion = 'swagger2' | 'openapi3.0' | 'openapi3.1';

export interface Contract extends DocumentSet {
  readonly version: ContractVersion;
}

/** Largest contract file we read, in bytes: GitHub's full document is 13 MB. @default 64 MiB */
export const MAX_CONTRACT_BYTES = 64 * 1024 * 1024;
/** Neighbouring files one contract may pull in through `$ref`. */
const MAX_CONTRACT_FILES = 200;
/** Deadline for fetching a contract over HTTP, in ms. */
const CONTRACT_FETCH_TIMEOUT_MS = 15_000;

class ContractTooLarge extends Error {}

function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** One connection pool per contract read; its lookup refuses hosts that resolve to metadata addresses. */
function contractAgent(): Agent {
  return new Agent({ connections: 4, connect: { lookup: createGuardedLookup() } });
}

async function readText(location: string, dispatcher?: Dispatcher): Promise<string> {
  if (isUrl(location)) {
    const response = await request(location, {
      method: 'GET',
      dispatcher,
      signal: AbortSignal.timeout(CONTRACT_FETCH_TIMEOUT_MS),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new ContractHttpStatus(response.statusCode);
    }
    // Counted while it arrives: a hostile server's endless body stops at the limit, not in memory.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_CONTRACT_BYTES) {
        response.body.destroy();
        throw new ContractTooLarge();
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  // Checked before reading, so a huge file is refused without being loaded.
  if ((await stat(location)).size > MAX_CONTRACT_BYTES) throw new ContractTooLarge();
  const buffer = await readFile(location);
  return buffer.toString('utf8');
}

/** JSON when it looks like JSON (fast path for big documents), YAML otherwise. */
export function parseDocument(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // YAML flow style also starts with "{"; fall through.
    }
  }
  // maxAliasCount stops "billion laughs" alias bombs.
  return parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
}

function detectVersion(document: unknown): ContractVersion | undefined {
  if (!isObject(document)) return undefined;
  if (document.swagger === '2.0' || document.swagger === 2) return 'swagger2';
  if (typeof document.openapi === 'string') {
    if (document.openapi.startsWith('3.0')) return 'openapi3.0';
    if (document.openapi.startsWith('3.1')) return 'openapi3.1';
  }
  return undefined;
}

/**
 * Reads and checks the contract at `location`, then loads the files its refs name.
 * @param allow locations besides the contract's own origin or folder that refs may load from (RestSourceOptions.contractAllow)
 * @throws ContractError CONTRACT_UNREADABLE (missing, unreachable, not JSON/YAML),
 *   CONTRACT_INVALID (not OpenAPI 3.0/3.1 or Swagger 2.0) or
 *   CONTRACT_LOCATION_REFUSED (a ref to a location the policy refuses, named in the error)
 */
export async function readContract(
  source: string,
  location: string,
  allow: readonly string[] = [],
): Promise<Contract> {
  const agent = contractAgent();
  try {
    return await readContractWith(agent, source, location, allow);
  } finally {
    await agent.close();
  }
}

function addressRefused(source: string, location: string): ContractError {
  return new ContractError({
    code: 'CONTRACT_LOCATION_REFUSED',
    source,
    location: location.slice(0, 300),
    safeMessage: `The contract of ${source} names ${JSON.stringify(location.slice(0, 200))}, which is refused: its host resolves to a link-local or cloud metadata address.`,
  });
}

async function readContractWith(
  agent: Agent,
  source: string,
  location: string,
  allow: readonly string[],
): Promise<Contract> {
  const root = isUrl(location) ? new URL(location).href : resolvePath(location);
  const shown = isUrl(location) ? 'the contract URL' : location;
  let text: string;
  try {
    text = await readText(root, agent);
  } catch (cause) {
    if (isAddressRefused(cause)) throw addressRefused(source, shown);
    throw contractUnreadable({
      source,
      location,
      reason:
        cause instanceof ContractTooLarge
          ? `${shownLocation(location)} is larger than ${MAX_CONTRACT_BYTES / 1024 / 1024} MiB`
          : contractReadReason(cause, location),
      cause,
    });
  }
  let document: unknown;
  try {
    document = parseDocument(text);
  } catch (cause) {
    throw new ContractError({
      code: 'CONTRACT_UNREADABLE',
      source,
      location: shown,
      safeMessage: `The contract of ${source} (${shown}) is neither JSON nor YAML.`,
      cause,
    });
  }
  const version = detectVersion(document);
  if (version === undefined) {
    throw new ContractError({
      code: 'CONTRACT_INVALID',
      source,
      location: shown,
      safeMessage: `The contract of ${source} (${shown}) is not an OpenAPI 3.0/3.1 or Swagger 2.0 document: it needs "openapi: 3.x" or "swagger: 2.0" at the top.`,
    });
  }
  const paths = (document as Record<string, unknown>).paths;
  if (paths !== undefined && !isObject(paths)) {
    throw new ContractError({
      code: 'CONTRACT_INVALID',
      source,
      location: shown,
      safeMessage: `The contract of ${source} (${shown}) has a "paths" that is not an object.`,
    });
  }
  const files = new Map<string, unknown>([[root, document]]);
  await loadNeighbours(
    files,
    root,
    document,
    createLocationPolicy(source, root, allow),
    (file) => readText(file, agent),
    (file) => addressRefused(source, file),
  );
  return { root, files, version };
}

/**
 * Breadth-first over the files refs name. A location the policy refuses
 * fails the contract, naming it; a file that cannot be read is left out
 * (its refs become warnings).
 */
async function loadNeighbours(
  files: Map<string, unknown>,
  root: string,
  document: unknown,
  policy: LocationPolicy,
  read: (file: string) => Promise<string>,
  refused: (file: string) => ContractError,
): Promise<void> {
  const queue: Array<readonly [file: string, from: string]> = externalFiles(document, root).map(
    (file) => [file, root] as const,
  );
  const tried = new Set<string>([root]);
  while (queue.length > 0 && tried.size <= MAX_CONTRACT_FILES) {
    const [file, from] = queue.shift() as readonly [string, string];
    if (tried.has(file)) continue;
    tried.add(file);
    policy.check(file, from);
    try {
      const neighbour = parseDocument(await read(file));
      files.set(file, neighbour);
      queue.push(...externalFiles(neighbour, file).map((next) => [next, file] as const));
    } catch (error) {
      // A refused address fails the contract like a refused name does.
      if (isAddressRefused(error)) throw refused(file);
      // Anything else is reported where a ref needs it, as a warning with its pointer.
    }
  }
}
