/**
 * createSoapSource: a WSDL (with its XSDs) → a typed subgraph and one
 * Operation per SOAP operation. Construction reads only the contract, so it
 * works offline (`switchboard print-subgraph --soap <wsdl>`).
 */
import {
  checkSourceOptions,
  ContractError,
  createHttpAuth,
  createHttpClient,
  withBatches,
  type HttpAuth,
  type Source,
  type SourceHealth,
  type SourceWarning,
} from '../common/index.js';
import { loadContract } from './contract.js';
import { buildOperations } from './operations.js';
import { SOAP_DEFAULTS, SOAP_OPTION_KEYS, type SoapSourceOptions } from './options.js';
import { buildTypeDefs } from './sdl.js';
import { createShapeRegistry } from './shapes.js';
import { createSoapTransport } from './transport.js';
import { readWsdl } from './wsdl.js';
import { createUsernameTokenHeader } from './wsse.js';

/**
 * Reads the WSDL at `options.contract` (a path or an http(s) URL) and wraps it as a Source.
 *
 * @throws ContractError CONTRACT_UNREADABLE when a document cannot be read,
 *   CONTRACT_INVALID when it is not a WSDL or yields no SOAP operation,
 *   CONTRACT_LOCATION_REFUSED when an import names a location outside the
 *   contract's origin or folder (and `contractAllow`), or a forbidden one
 * @example
 * const erp = await createSoapSource({ name: 'erp', contract: './demo/erp/erp.wsdl', url: process.env.ERP_URL,
 *   auth: { type: 'wsSecurity', username: 'gateway', password: process.env.ERP_PASSWORD ?? '' } });
 */
export async function createSoapSource(options: SoapSourceOptions): Promise<Source> {
  checkSourceOptions('SOAP', options, SOAP_OPTION_KEYS);
  const source = options.name;
  const contract = await loadContract(source, options.contract, options.contractAllow);
  const summary = readWsdl(contract.wsdls, options.soapVersion ?? SOAP_DEFAULTS.soapVersion);
  if (summary.operations.length === 0) {
    throw new ContractError({
      code: 'CONTRACT_INVALID',
      source,
      safeMessage: `The WSDL of ${source} has no operation reachable through a SOAP binding.`,
      location: options.contract,
    });
  }
  const registry = createShapeRegistry(contract.schemas);
  const http = createHttpClient({
    source,
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes,
    connections: options.connections,
  });
  const auth: HttpAuth =
    options.auth && options.auth.type !== 'wsSecurity'
      ? createHttpAuth(source, options.auth, http)
      : { apply: async () => {}, invalidate: () => {} };
  const wsSecurity = options.auth?.type === 'wsSecurity' ? options.auth : undefined;
  const transport = createSoapTransport({
    source,
    http,
    auth,
    maxDepth: options.maxDepth ?? SOAP_DEFAULTS.maxDepth,
    maxElements: options.maxResponseElements ?? SOAP_DEFAULTS.maxResponseElements,
    maxParseMs: options.maxParseMs ?? SOAP_DEFAULTS.maxParseMs,
    headers: options.headers,
  });
  const fixedUrl = options.url ? new URL(options.url) : undefined;
  const warnings: SourceWarning[] = [...summary.warnings];
  const built = buildOperations({
    source,
    wsdlOperations: summary.operations,
    registry,
    transport,
    options,
    urlFor: (op) => fixedUrl ?? (op.address ? new URL(op.address) : undefined),
    headerBlocks: () => (wsSecurity ? [createUsernameTokenHeader(wsSecurity)] : []),
    warnings,
  });
  const typeDefs = buildTypeDefs(built.specs);
  warnings.push(...registry.warnings);
  const operations = withBatches(source, built.operations, options.batch, typeDefs);
  const probeUrl =
    fixedUrl ?? (summary.defaultAddress ? new URL(summary.defaultAddress) : undefined);

  return {
    name: source,
    kind: 'soap',
    ...(probeUrl === undefined ? {} : { url: probeUrl.href }),
    typeDefs,
    operations,
    warnings,
    async health(): Promise<SourceHealth> {
      const started = performance.now();
      const latency = (): number => Math.round(performance.now() - started);
      if (!probeUrl)
        return { ok: false, latencyMs: 0, message: `${source} has no url configured.` };
      try {
        // Any HTTP answer to ?wsdl proves the service is up; SOAP has no standard ping.
        const url = new URL(probeUrl);
        url.search = 'wsdl';
        const response = await http.send({ operation: 'health', method: 'GET', url });
        return response.status < 500
          ? { ok: true, latencyMs: latency() }
          : {
              ok: false,
              latencyMs: latency(),
              message: `${source} answered HTTP ${response.status}.`,
            };
      } catch (error) {
        const message =
          error instanceof Error && 'safeMessage' in error
            ? String((error as { safeMessage: unknown }).safeMessage)
            : `${source} could not be reached.`;
        return { ok: false, latencyMs: latency(), message };
      }
    },
    close: () => http.close(),
  };
}
