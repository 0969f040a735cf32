/** The storefront demo system of record: REST + JSON described by openapi.yaml. */
export {
  startStorefront,
  STOREFRONT_CONTRACT,
  STOREFRONT_OPERATIONS,
  UNMATCHED,
  TOKEN_ENDPOINT,
} from './server.js';
export {
  STOREFRONT_DEFAULTS,
  type StorefrontOptions,
  type StorefrontAuthOptions,
  type StorefrontRateLimitOptions,
} from './options.js';
