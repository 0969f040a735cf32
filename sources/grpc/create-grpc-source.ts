/** createGrpcSource: a .proto file (or server reflection) → a Source. */
import { parse } from 'graphql';
import {
  ContractError,
  checkSourceOptions,
  isValidGraphQLName,
  SourceError,
  withBatches,
  type Operation,
  type Source,
  type SourceHealth,
} from '../common/index.js';
import { loadProtoContract } from './contract.js';
import { checkHealth } from './health.js';
import { createContractModel } from './model.js';
import { decideOperationKind } from './operation-kind.js';
import { createOperation } from './operations.js';
import { GRPC_DEFAULTS, GRPC_OPTION_KEYS, type GrpcSourceOptions } from './options.js';
import { loadReflectedContract } from './reflection.js';
import { renderSdl } from './sdl.js';
import { createTransport, type Transport } from './transport.js';

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new TypeError(
      `GrpcSourceOptions.${name} should be a positive number of ms, instead got ${String(value)}.`,
    );
  return value;
}

/**
 * Reads a gRPC backend's contract and wraps it as a typed subgraph.
 *
 * With `contract`, everything happens offline: no connection is opened until
 * the first call. With `reflection: true` and no `contract`, the services are
 * read from the running server at `url`.
 *
 * Throws ContractError (CONTRACT_UNREADABLE, CONTRACT_INVALID) when the
 * contract cannot be read, TypeError on bad options. Its operations reject
 * only with SourceError.
 *
 * @example
 * const billing = await createGrpcSource({
 *   name: 'billing',
 *   contract: './demo/billing/proto/billing/v1/billing.proto',
 *   url: process.env.BILLING_URL, // "127.0.0.1:4003"
 *   batch: { getPrice: { via: 'batchGetPrices', key: 'sku', listArgument: 'skus', resultPath: 'prices', itemKey: 'sku' } },
 * });
 */
export async function createGrpcSource(options: GrpcSourceOptions): Promise<Source> {
  checkSourceOptions('gRPC', options, GRPC_OPTION_KEYS);
  const { name } = options;
  if (!isValidGraphQLName(name))
    throw new TypeError(
      `GrpcSourceOptions.name should be a valid GraphQL name, instead got "${name}".`,
    );
  if (options.contract === undefined && !options.reflection)
    throw new TypeError(
      `GrpcSourceOptions for ${name} need a contract (.proto file) or reflection: true.`,
    );
  if (options.reflection && options.contract === undefined && !options.url)
    throw new TypeError(
      `GrpcSourceOptions for ${name} need a url ("host:port") to read services through reflection.`,
    );
  const deadlineMs = positive(
    'deadlineMs',
    options.deadlineMs ?? options.timeoutMs,
    GRPC_DEFAULTS.deadlineMs,
  );
  const maxReceiveMessageBytes = positive(
    'maxReceiveMessageBytes',
    options.maxReceiveMessageBytes,
    GRPC_DEFAULTS.maxReceiveMessageBytes,
  );

  let transport: Transport | undefined;
  let closed = false;
  const transportOf = (): Transport => {
    if (closed)
      throw new SourceError({
        code: 'SOURCE_UNAVAILABLE',
        source: name,
        operation: 'call',
        safeMessage: `${name} is closed.`,
      });
    if (!options.url)
      throw new SourceError({
        code: 'SOURCE_UNAVAILABLE',
        source: name,
        operation: 'call',
        safeMessage: `${name} has no url configured, so it cannot be called.`,
      });
    transport ??= createTransport({
      target: options.url,
      tls: options.tls,
      auth: options.auth,
      metadata: options.metadata,
      deadlineMs,
      maxReceiveMessageBytes,
    });
    return transport;
  };

  let root;
  if (options.contract !== undefined) {
    root = loadProtoContract(name, options.contract, options.includeDirs, options.contractAllow);
  } else {
    try {
      root = (await loadReflectedContract(name, transportOf(), deadlineMs, options.url ?? '')).root;
    } catch (error) {
      // A source whose contract could not be had keeps no channel open.
      transport?.close();
      transport = undefined;
      throw error;
    }
  }

  const model = createContractModel(root, {
    skipServices:
      options.contract === undefined
        ? (service) => service.startsWith('grpc.reflection.')
        : undefined,
  });
  const rule = {
    operationKinds: options.operationKinds,
    queryPrefixes: options.queryPrefixes ?? GRPC_DEFAULTS.queryPrefixes,
  };
  const decided = model.methods.map((method) => ({ method, ...decideOperationKind(method, rule) }));
  const sdl = renderSdl(decided);
  let typeDefs;
  try {
    typeDefs = parse(sdl);
  } catch (cause) {
    throw new ContractError({
      code: 'CONTRACT_INVALID',
      source: name,
      safeMessage: `${name}: the .proto contract produced a subgraph GraphQL cannot parse.`,
      cause,
    });
  }

  const operations = new Map<string, Operation>();
  for (const { method, kind, idempotent } of decided) {
    operations.set(
      method.name,
      createOperation({ source: name, method, kind, idempotent, transport: transportOf }),
    );
  }

  return {
    name,
    kind: 'grpc',
    ...(options.url === undefined ? {} : { url: options.url }),
    typeDefs,
    operations: withBatches(name, operations, options.batch, typeDefs),
    warnings: model.warnings,
    async health(): Promise<SourceHealth> {
      if (closed) return { ok: false, latencyMs: 0, message: `${name} is closed.` };
      if (!options.url)
        return { ok: false, latencyMs: 0, message: `${name} has no url configured.` };
      return checkHealth(name, transportOf(), Math.min(deadlineMs, GRPC_DEFAULTS.healthTimeoutMs));
    },
    async close(): Promise<void> {
      closed = true;
      transport?.close();
      transport = undefined;
    },
  };
}
