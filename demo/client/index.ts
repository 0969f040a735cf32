/**
 * A typed client for Switchboard's unified commerce schema: the example a
 * frontend team copies. The operations are plain `.graphql` files in
 * `queries/`; `npm run codegen` turns them into typed documents in
 * `generated/graphql.ts`, and each function here sends one of them. Change a
 * query, run codegen, and the compiler shows every caller the change touches.
 *
 * @example
 * const commerce = createCommerceClient('http://127.0.0.1:4000/graphql');
 * const { data, errors } = await commerce.productBySku('SKU-00001');
 * data.product?.price?.amount; // string | undefined: an exact decimal such as "19.99"
 * // `errors` lists fields that failed (say billing was down and price is null).
 */
import {
  OrderWithLinesDocument,
  PlaceOrderDocument,
  ProductBySkuDocument,
  ProductsPageDocument,
  type OrderWithLinesQuery,
  type PlaceOrderInput,
  type PlaceOrderMutation,
  type ProductBySkuQuery,
  type ProductsPageQuery,
  type ProductsPageQueryVariables,
} from './generated/graphql.js';
import { sendRequest, type CommerceResult, type RequestSettings } from './request.js';
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';

export {
  CommerceClientError,
  type CommerceClientErrorCode,
  type CommerceGraphQLError,
  type CommerceResult,
} from './request.js';
export type {
  CurrencyCode,
  InvoiceStatus,
  MoneyFieldsFragment,
  OrderLineInput,
  OrderStatus,
  OrderWithLinesQuery,
  PlaceOrderInput,
  PlaceOrderMutation,
  ProductBySkuQuery,
  ProductStatus,
  ProductsPageQuery,
  ProductsPageQueryVariables,
  Warehouse,
} from './generated/graphql.js';

export interface CommerceClientOptions {
  /** Sent with every request, e.g. `{ authorization: 'Bearer …' }`. @default {} */
  headers?: Record<string, string>;
  /** How long one request may take, answer included. @default 35000 (35 s) */
  timeoutMs?: number;
  /** The fetch to use (a test's, or one with a proxy agent). @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** The commerce operations a storefront needs, typed end to end. Every call throws CommerceClientError when no data comes back. */
export interface CommerceClient {
  /** A product page: copy, price (billing) and stock per warehouse (erp). `data.product` is null for an unknown SKU. */
  productBySku(sku: string): Promise<CommerceResult<ProductBySkuQuery>>;
  /** A page of products; pass the previous page's `pageInfo.endCursor` as `after`. */
  products(page?: ProductsPageQueryVariables): Promise<CommerceResult<ProductsPageQuery>>;
  /** An order with its lines, their products' stock and price, and its invoices. `data.order` is null for an unknown id. */
  order(id: string): Promise<CommerceResult<OrderWithLinesQuery>>;
  /** Places an order; give `input.idempotencyKey` so that a retry places it once. */
  placeOrder(input: PlaceOrderInput): Promise<CommerceResult<PlaceOrderMutation>>;
  /** Any other typed document (from this folder's codegen), for operations beyond the four above. */
  request<TData, TVariables>(
    document: DocumentTypeDecoration<TData, TVariables>,
    variables: TVariables,
  ): Promise<CommerceResult<TData>>;
}

// 35 s: above the gateway's request deadline (requestTimeoutMs, 30 s by default),
// so a slow system yields the gateway's partial answer rather than a client timeout.
const DEFAULT_TIMEOUT_MS = 35_000;

/**
 * Creates a client for the unified schema served at `url` (e.g.
 * "http://127.0.0.1:4000/graphql"). Nothing is sent until a function is called.
 */
export function createCommerceClient(
  url: string,
  options: CommerceClientOptions = {},
): CommerceClient {
  const settings: RequestSettings = {
    url,
    headers: options.headers ?? {},
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fetch: options.fetch ?? globalThis.fetch,
  };
  return {
    productBySku: (sku) => sendRequest(settings, ProductBySkuDocument, { sku }),
    products: (page = {}) => sendRequest(settings, ProductsPageDocument, page),
    order: (id) => sendRequest(settings, OrderWithLinesDocument, { id }),
    placeOrder: (input) => sendRequest(settings, PlaceOrderDocument, { input }),
    request: (document, variables) => sendRequest(settings, document, variables),
  };
}
