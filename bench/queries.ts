/**
 * The unified schema's bench queries, one copy for the benches that run them
 * by name (gateway-vs-direct, allocations, threads, profile-gateway, floor): the same text, so
 * the figures of one bench can be read beside another's.
 */

export interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
}

const FOUR = 'sku title brand category';

/** SKU-00001 … SKU-00050, as the demo catalogue numbers them. */
export const FIFTY_SKUS = Array.from(
  { length: 50 },
  (_, index) => `SKU-${String(index + 1).padStart(5, '0')}`,
);

/** One product by key, four fields: one storefront call. */
export const ONE_PRODUCT: GraphqlRequest = {
  query: `query ($sku: ID!) { product(sku: $sku) { ${FOUR} } }`,
  variables: { sku: 'SKU-00042' },
};

/** A page of 50 products, four fields, through the Relay connection: one storefront call. */
export const PAGE_OF_50: GraphqlRequest = {
  query: `{ products(first: 50) { edges { node { ${FOUR} } } } }`,
};

/** The page of 50 with each product's price (billing) and stock (erp): three calls. */
export const PAGE_WITH_PRICE_AND_STOCK: GraphqlRequest = {
  query:
    '{ products(first: 50) { edges { node { sku title price { amount currencyCode } stock { available } } } } }',
};

/** One product with its price and stock: three calls across the three systems. */
export const PRODUCT_WITH_PRICE_AND_STOCK: GraphqlRequest = {
  query:
    'query ($sku: ID!) { product(sku: $sku) { sku title price { amount currencyCode } stock { available } } }',
  variables: { sku: 'SKU-00042' },
};

/** 50 aliased lookups by key, batched into one storefront call. */
export const ALIASED_50: GraphqlRequest = {
  query: `{ ${FIFTY_SKUS.map((sku, index) => `p${index}: product(sku: "${sku}") { ${FOUR} }`).join(' ')} }`,
};
