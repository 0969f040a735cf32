/**
 * The package's public entry (`import … from '@switchboard-gw/gateway'`):
 * what a team's `switchboard.config.ts` needs, and the gateway for those who
 * embed it in their own server. Compiled to dist/index.js with its
 * declarations (tsconfig.build.json); package.json `exports` names only this
 * file, so everything else in the package stays internal.
 */
export {
  defineConfig,
  resolveConfig,
  DEFAULTS,
  createGateway,
  GatewayError,
  isGatewayError,
  GATEWAY_ERROR_CODES,
  type SwitchboardConfig,
  type ResolvedConfig,
  type PlaygroundTab,
  type SourceEndpointMode,
  type Gateway,
  type GatewayOptions,
  type GatewayErrorCode,
} from './gateway/index.js';
export { createRestSource, type RestSourceOptions } from './sources/rest/index.js';
export { createSoapSource, type SoapSourceOptions } from './sources/soap/index.js';
export { createGrpcSource, type GrpcSourceOptions } from './sources/grpc/index.js';
export {
  SourceError,
  ContractError,
  isSourceError,
  SOURCE_ERROR_CODES,
  CONTRACT_ERROR_CODES,
  type Source,
  type SourceErrorCode,
  type ContractErrorCode,
} from './sources/common/index.js';
