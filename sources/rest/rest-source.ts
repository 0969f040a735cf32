/**
 * createRestSource: the composition root of the REST source. Reads the
 * contract, converts what its operations reach, and wires each operation to
 * the transport. Building it makes no call to the backend, so the CLI can
 * print a subgraph offline.
 */
import {
  COMMON_SOURCE_OPTION_KEYS,
  SourceConfigError,
  checkSourceOptions,
  isValidGraphQLName,
  withBatches,
  type CommonSourceOptions,
  type HttpAuthOptions,
  type Operation,
  type Source,
  type SourceWarning,
} from '../common/index.js';
import type { DocumentNode } from 'graphql';
import { readContract, type Contract } from './contract.js';
import { readOpenApi3 } from './model.js';
import { nameOperations } from './naming.js';
import { createOperation, planOperation, type PlannedOperation } from './operations.js';
import { buildTypeDefs } from './sdl.js';
import { readSwagger2 } from './swagger2.js';
import { createRestTransport } from './transport.js';
import { createTypeBuilder } from './types.js';

export interface RestSourceOptions extends CommonSourceOptions {
  /** Credentials for the backend. Secrets come from the environment in the config file. */
  auth?: HttpAuthOptions;
  /** Headers sent with every call (e.g. a tenant id). Credentials belong in `auth`. */
  headers?: Record<string, string>;
  /** Largest answer accepted, in bytes. @default 10485760 (10 MiB) */
  maxResponseBytes?: number;
  /**
   * Most JSON values (objects, lists and non-null scalars the contract
   * declares) one answer may map; more is SOURCE_BAD_RESPONSE, and mapping
   * stops there. A page of 200 demo products is about 5,700.
   * @default 50000
   */
  maxResponseValues?: number;
  /** Deadline of the `health()` probe, in ms. @default 2000 */
  healthTimeoutMs?: number;
  /**
   * A path under `url` that answers 2xx when the backend is healthy, e.g.
   * "/healthz" or a cheap read such as "/products?limit=1"; anything else is
   * down. Without it, any answer below 500 from `url` itself counts as up.
   * @default none
   */
  healthPath?: string;
  /**
   * Where `$ref`s to other documents may load from besides the contract's own
   * origin (a URL contract) or folder (a file contract): URL prefixes
   * ("https://schemas.example.com/") or folders. Link-local and cloud metadata
   * addresses, and `file:` from a remote contract, are refused whatever this
   * says. @default [] (the contract's own origin or folder only)
   */
  contractAllow?: readonly string[];
}

/** Every key of RestSourceOptions: an unknown key is CONFIG_INVALID with a suggestion. */
export const REST_OPTION_KEYS = Object.freeze([
  ...COMMON_SOURCE_OPTION_KEYS,
  'auth',
  'headers',
  'maxResponseBytes',
  'maxResponseValues',
  'healthTimeoutMs',
  'healthPath',
  'contractAllow',
] as const satisfies ReadonlyArray<keyof RestSourceOptions>);
const restKeysComplete: Exclude<
  keyof RestSourceOptions,
  (typeof REST_OPTION_KEYS)[number]
> extends never
  ? true
  : never = true;
void restKeysComplete;

/** Defaults of the REST source that sources/common does not already set. */
export const REST_DEFAULTS = Object.freeze({
  healthTimeoutMs: 2_000, // 2 s
  maxResponseValues: 50_000, // ~9× a page of 200 demo products (about 5,700 values)
});

/** The subgraph of a contract, without anything that talks to a backend. */
export interface RestSubgraph {
  readonly typeDefs: DocumentNode;
  readonly planned: readonly PlannedOperation[];
  readonly warnings: readonly SourceWarning[];
  /** The first server URL the contract names, if any. */
  readonly serverUrl: string | undefined;
}

/** Converts a read contract into GraphQL types and operation plans. Pure and synchronous. */
export function convertContract(source: string, contract: Contract): RestSubgraph {
  const warnings: SourceWarning[] = [];
  const seen = new Set<string>();
  const warn = (warning: SourceWarning): void => {
    // The same broken ref is often reached from many places; say it once.
    const key = `${warning.path}\u0000${warning.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    warnings.push(warning);
  };
  const model =
    contract.version === 'swagger2' ? readSwagger2(contract, warn) : readOpenApi3(contract, warn);
  const types = createTypeBuilder(contract, warn);
  const planned = nameOperations(model.operations).map(({ name, operation }) =>
    planOperation(source, name, operation, types),
  );
  types.flush();
  const typeDefs = buildTypeDefs(
    types.shapes,
    planned.map((p) => p.signature),
  );
  return { typeDefs, planned, warnings, serverUrl: model.serverUrl };
}

/**
 * Builds a Source from an OpenAPI 3.0/3.1 or Swagger 2.0 contract.
 *
 * @throws ContractError CONTRACT_UNREADABLE / CONTRACT_INVALID when the contract cannot be used at all
 * @throws SourceConfigError CONFIG_INVALID for an unknown option (with the closest known one) or a batch declaration naming an unknown operation
 * @throws TypeError when `name` is not a valid GraphQL name
 * @example
 * const storefront = await createRestSource({
 *   name: 'storefront',
 *   contract: './demo/storefront/openapi.yaml',
 *   url: process.env.STOREFRONT_URL,
 *   auth: { type: 'bearer', token: process.env.STOREFRONT_TOKEN ?? '' },
 *   batch: { getProduct: { via: 'listProducts', key: 'id', listArgument: 'ids', itemKey: 'id', resultPath: 'items' } },
 * });
 */
export async function createRestSource(options: RestSourceOptions): Promise<Source> {
  checkSourceOptions('REST', options, REST_OPTION_KEYS);
  if (!isValidGraphQLName(options.name)) {
    throw new TypeError(
      `A REST source's name should be a valid GraphQL name such as "storefront", instead got ${JSON.stringify(options.name)}.`,
    );
  }
  if (
    options.healthPath !== undefined &&
    !(typeof options.healthPath === 'string' && /^\/(?!\/)[^\s#]{0,1999}$/.test(options.healthPath))
  ) {
    throw new SourceConfigError({
      source: options.name,
      path: 'healthPath',
      safeMessage: `Source option "healthPath" of ${options.name} should be a path under its url starting with one "/", such as "/healthz".`,
    });
  }
  const maxValues = options.maxResponseValues ?? REST_DEFAULTS.maxResponseValues;
  if (!Number.isSafeInteger(maxValues) || maxValues < 1) {
    throw new SourceConfigError({
      source: options.name,
      path: 'maxResponseValues',
      safeMessage: `Source option "maxResponseValues" of ${options.name} should be a whole number of at least 1, such as 50000.`,
    });
  }
  const contract = await readContract(options.name, options.contract, options.contractAllow);
  const { typeDefs, planned, warnings, serverUrl } = convertContract(options.name, contract);
  const transport = createRestTransport({
    source: options.name,
    baseUrl: options.url ?? serverUrl,
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes,
    auth: options.auth,
    headers: options.headers,
    ...(options.healthPath === undefined ? {} : { healthPath: options.healthPath }),
  });
  const operations = new Map<string, Operation>(
    planned.map((p) => [p.signature.name, createOperation(p, transport, maxValues)]),
  );
  const healthTimeoutMs = options.healthTimeoutMs ?? REST_DEFAULTS.healthTimeoutMs;
  return {
    name: options.name,
    kind: 'rest',
    ...(transport.baseUrl === undefined ? {} : { url: transport.baseUrl }),
    typeDefs,
    operations: withBatches(options.name, operations, options.batch, typeDefs),
    warnings,
    health: () => transport.probe(healthTimeoutMs),
    close: () => transport.close(),
  };
}
