export { createGrpcSource } from './create-grpc-source.js';
export {
  GRPC_DEFAULTS,
  GRPC_OPTION_KEYS,
  type GrpcSourceOptions,
  type GrpcAuthOptions,
  type GrpcTlsOptions,
  type GrpcOperationKind,
} from './options.js';
