export type {
  Args,
  CallContext,
  CallExchange,
  ExchangeResponse,
  Operation,
  OperationBatch,
  OperationKind,
  Source,
  SourceHealth,
  SourceKind,
} from './source.js';
export { NOT_MODIFIED } from './source.js';
export {
  SwitchboardError,
  SourceError,
  ContractError,
  SourceConfigError,
  isSourceError,
  SOURCE_ERROR_CODES,
  CONTRACT_ERROR_CODES,
  type SourceErrorCode,
  type SourceErrorInit,
  type ContractErrorCode,
  type SafeDetails,
  type SourceWarning,
} from './errors.js';
export {
  isValidGraphQLName,
  splitWords,
  toTypeName,
  toFieldName,
  toEnumValue,
  createNameAllocator,
  type NameAllocator,
} from './naming.js';
export {
  scalars,
  RESERVED_TYPE_NAMES,
  DateTimeScalar,
  DateScalar,
  DurationScalar,
  BigIntScalar,
  DecimalScalar,
  Base64Scalar,
  JSONScalar,
  type CustomScalarName,
} from './scalars.js';
export { createOperationBatch, withBatches, type BatchDeclaration } from './batch.js';
export {
  createHttpClient,
  classifyHttpStatus,
  parseRetryAfterMs,
  HTTP_DEFAULTS,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
} from './http.js';
export { createHttpAuth, type HttpAuth, type HttpAuthOptions } from './auth.js';
export { COMMON_SOURCE_OPTION_KEYS, type CommonSourceOptions } from './options.js';
export { closestNames } from './suggest.js';
export { checkSourceOptions, BATCH_DECLARATION_KEYS } from './options-check.js';
export {
  callerReason,
  logReason,
  withReason,
  MAX_CALLER_REASON_CHARS,
  MAX_LOG_REASON_CHARS,
} from './reason.js';
export {
  createLocationPolicy,
  isForbiddenHost,
  type LocationPolicy,
} from './contract-locations.js';
export { createGuardedLookup, isAddressRefused } from './guarded-lookup.js';
export {
  ContractHttpStatus,
  contractNotFound,
  contractReadReason,
  contractUnreadable,
  reflectionReadReason,
  shownLocation,
} from './contract-read.js';
export {
  canonicalDecimal,
  compareBounds,
  compareDecimals,
  INTEGER_WIDTHS,
  MAX_NUMBER_DIGITS,
  numberToDecimal,
} from './decimal.js';
export {
  CONSTRAINT_DIRECTIVE_SDL,
  constraintDirective,
  constraintDirectiveDefinition,
  type ValueConstraint,
} from './constraints.js';
