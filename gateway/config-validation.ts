/**
 * Checks a config against its expected shape and fills defaults. Written by
 * hand: the shape is small, and each message must name the option's path,
 * what was expected and what arrived, which generic validators word poorly.
 */
import { isValidGraphQLName, type Source } from '../sources/common/index.js';
import { SOURCE_ENDPOINT_MODES, type DEFAULTS as Defaults, type PlaygroundTab, type ResolvedConfig, type SourceEndpointMode } from './config.js';
import { GatewayError } from './errors.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function invalid(path: string, expected: string, value: unknown): GatewayError {
  return new GatewayError({
    code: 'CONFIG_INVALID',
    safeMessage: `Config option "${path}" should be ${expected}, instead got ${describe(value)}.`,
    details: { path },
  });
}

type Shape = Record<string, unknown>;

function section(root: Shape, key: string, allowed: readonly string[]): Shape {
  const value = root[key];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(key, 'an object', value);
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) throw invalid(`${key}.${name}`, `one of the known options (${allowed.join(', ')})`, name);
  }
  return value as Shape;
}

function integer(shape: Shape, path: string, key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = shape[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${path}.${key}`, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

function boolean(shape: Shape, path: string, key: string, fallback: boolean): boolean {
  const value = shape[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(`${path}.${key}`, 'true or false', value);
  return value;
}

/** Origins as a browser sends them: scheme://host[:port], no path; "*" is refused (it would allow every site). */
function origins(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid('cors.allowedOrigins', 'an array of origins such as "https://shop.example"', value);
  return Object.freeze(
    value.map((origin: unknown, index) => {
      if (typeof origin !== 'string' || !/^https?:\/\/[^/\s*]+$/.test(origin)) throw invalid(`cors.allowedOrigins[${index}]`, 'an origin such as "https://shop.example" (scheme and host, no path, no "*")', origin);
      return origin;
    }),
  );
}

function sourceMode(value: unknown): SourceEndpointMode | undefined {
  if (value === undefined) return undefined;
  if (!SOURCE_ENDPOINT_MODES.includes(value as SourceEndpointMode)) throw invalid('endpoints.sources', `one of ${SOURCE_ENDPOINT_MODES.map((mode) => `"${mode}"`).join(', ')}`, value);
  return value as SourceEndpointMode;
}

function checkSource(value: unknown, index: number): Source {
  const path = `sources[${index}]`;
  if (typeof value !== 'object' || value === null) throw invalid(path, 'a source (e.g. createRestSource(...))', value);
  const source = value as Partial<Record<keyof Source, unknown>>;
  if (typeof source.name !== 'string' || !isValidGraphQLName(source.name)) throw invalid(`${path}.name`, 'a valid GraphQL name such as "storefront"', source.name);
  if (typeof source.typeDefs !== 'object' || source.typeDefs === null || (source.typeDefs as { kind?: unknown }).kind !== 'Document') {
    throw invalid(`${path}.typeDefs`, 'a GraphQL DocumentNode', source.typeDefs);
  }
  if (!(source.operations instanceof Map)) throw invalid(`${path}.operations`, 'a Map of operations', source.operations);
  for (const member of ['health', 'close'] as const) {
    if (typeof source[member] !== 'function') throw invalid(`${path}.${member}`, 'a function', source[member]);
  }
  return value as Source;
}

function checkTabs(value: unknown): readonly PlaygroundTab[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid('playground.defaultTabs', 'an array of { query, variables? }', value);
  return value.map((tab: unknown, index) => {
    const { query, variables } = (tab ?? {}) as { query?: unknown; variables?: unknown };
    if (typeof query !== 'string') throw invalid(`playground.defaultTabs[${index}].query`, 'a string', query);
    if (variables !== undefined && typeof variables !== 'string') throw invalid(`playground.defaultTabs[${index}].variables`, 'a string of JSON', variables);
    return variables === undefined ? { query } : { query, variables };
  });
}

/** One SDL file path or a list of them; an empty string names nothing. */
function checkSchema(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const files = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(files)) throw invalid('schema', 'a file path or an array of file paths', value);
  return Object.freeze(
    files.map((file: unknown, index) => {
      if (typeof file !== 'string' || file === '') throw invalid(typeof value === 'string' ? 'schema' : `schema[${index}]`, 'a non-empty file path', file);
      return file;
    }),
  );
}

export function validateConfig(config: Shape, defaults: typeof Defaults): ResolvedConfig {
  for (const key of Object.keys(config)) {
    if (!['sources', 'server', 'limits', 'playground', 'logging', 'schema', 'cors', 'endpoints'].includes(key)) throw invalid(key, 'one of sources, server, limits, playground, logging, schema, cors, endpoints', key);
  }
  if ((config.sources as unknown[]).length === 0) throw invalid('sources', 'at least one source', config.sources);
  const sources = (config.sources as unknown[]).map(checkSource);
  const seen = new Set<string>();
  sources.forEach((source, index) => {
    if (seen.has(source.name)) throw invalid(`sources[${index}].name`, 'a name no other source has', source.name);
    seen.add(source.name);
  });

  const server = section(config, 'server', Object.keys(defaults.server));
  const cors = section(config, 'cors', Object.keys(defaults.cors));
  const endpoints = section(config, 'endpoints', Object.keys(defaults.endpoints));
  if (server.host !== undefined && (typeof server.host !== 'string' || server.host === '')) throw invalid('server.host', 'a host name or IP address', server.host);

  const limits = section(config, 'limits', Object.keys(defaults.limits));
  const playground = section(config, 'playground', ['enabled', 'title', 'defaultTabs']);
  if (playground.enabled !== undefined && typeof playground.enabled !== 'boolean') throw invalid('playground.enabled', 'true or false', playground.enabled);
  if (playground.title !== undefined && typeof playground.title !== 'string') throw invalid('playground.title', 'a string', playground.title);
  const logging = section(config, 'logging', ['level']);
  if (logging.level !== undefined && !LOG_LEVELS.includes(logging.level as LogLevel)) {
    throw invalid('logging.level', `one of ${LOG_LEVELS.map((level) => `"${level}"`).join(', ')}`, logging.level);
  }
  const l = defaults.limits;
  return {
    sources,
    schema: checkSchema(config.schema) ?? defaults.schema,
    server: {
      host: (server.host as string | undefined) ?? defaults.server.host,
      port: integer(server, 'server', 'port', defaults.server.port, 0, 65535),
      headersTimeoutMs: integer(server, 'server', 'headersTimeoutMs', defaults.server.headersTimeoutMs, 1),
      bodyTimeoutMs: integer(server, 'server', 'bodyTimeoutMs', defaults.server.bodyTimeoutMs, 1),
      keepAliveTimeoutMs: integer(server, 'server', 'keepAliveTimeoutMs', defaults.server.keepAliveTimeoutMs, 1),
      maxHeaderBytes: integer(server, 'server', 'maxHeaderBytes', defaults.server.maxHeaderBytes, 1024),
      maxHeaderCount: integer(server, 'server', 'maxHeaderCount', defaults.server.maxHeaderCount, 1),
    },
    cors: {
      allowedOrigins: origins(cors.allowedOrigins) ?? defaults.cors.allowedOrigins,
      allowCredentials: boolean(cors, 'cors', 'allowCredentials', defaults.cors.allowCredentials),
      preflightMaxAgeMs: integer(cors, 'cors', 'preflightMaxAgeMs', defaults.cors.preflightMaxAgeMs, 0),
    },
    endpoints: {
      introspection: boolean(endpoints, 'endpoints', 'introspection', defaults.endpoints.introspection),
      suggestions: boolean(endpoints, 'endpoints', 'suggestions', defaults.endpoints.suggestions),
      sources: sourceMode(endpoints.sources) ?? defaults.endpoints.sources,
      sourceIntrospection: boolean(endpoints, 'endpoints', 'sourceIntrospection', defaults.endpoints.sourceIntrospection),
      sourceSuggestions: boolean(endpoints, 'endpoints', 'sourceSuggestions', defaults.endpoints.sourceSuggestions),
    },
    limits: {
      maxDepth: integer(limits, 'limits', 'maxDepth', l.maxDepth, 1),
      maxAliases: integer(limits, 'limits', 'maxAliases', l.maxAliases, 0),
      maxCost: integer(limits, 'limits', 'maxCost', l.maxCost, 1),
      maxTokens: integer(limits, 'limits', 'maxTokens', l.maxTokens, 1),
      maxBodyBytes: integer(limits, 'limits', 'maxBodyBytes', l.maxBodyBytes, 1),
      requestTimeoutMs: integer(limits, 'limits', 'requestTimeoutMs', l.requestTimeoutMs, 1),
      maxConcurrentCallsPerSource: integer(limits, 'limits', 'maxConcurrentCallsPerSource', l.maxConcurrentCallsPerSource, 1),
      maxNestingDepth: integer(limits, 'limits', 'maxNestingDepth', l.maxNestingDepth, 2, 1000),
      maxStreamsPerClient: integer(limits, 'limits', 'maxStreamsPerClient', l.maxStreamsPerClient, 0),
      maxStreamsPerSource: integer(limits, 'limits', 'maxStreamsPerSource', l.maxStreamsPerSource, 0),
    },
    playground: {
      enabled: (playground.enabled as boolean | undefined) ?? defaults.playground.enabled,
      title: (playground.title as string | undefined) ?? defaults.playground.title,
      defaultTabs: checkTabs(playground.defaultTabs) ?? defaults.playground.defaultTabs,
    },
    logging: { level: (logging.level as LogLevel | undefined) ?? defaults.logging.level },
    resolved: true,
  };
}
