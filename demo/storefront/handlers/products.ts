/** listProducts, getProduct, getProductBySku, updateProduct. Catalogue reads are public and cacheable. */
import type { Product, ProductStatus } from '../model.js';
import { lookup, paginate, parseKeyList } from '../pagination.js';
import { badRequest, notFound } from '../problem.js';
import type { Route } from '../router.js';
import { parseProductUpdate } from '../validate.js';

const STATUSES: readonly ProductStatus[] = ['active', 'draft', 'archived'];

export const productRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/products',
    operationId: 'listProducts',
    cache: 'public',
    handle({ query, store }) {
      const ids = parseKeyList(query, 'ids');
      const skus = parseKeyList(query, 'skus');
      if (ids && skus) throw badRequest('Pass ids or skus, not both.');
      if (ids) return { status: 200, body: lookup(ids, store.productById) };
      if (skus) return { status: 200, body: lookup(skus, store.productBySku) };
      const status = query.get('status');
      if (status !== null && !STATUSES.includes(status as ProductStatus))
        throw badRequest(`status must be one of ${STATUSES.join(', ')}.`);
      const category = query.get('category');
      const wanted = (product: Product): boolean =>
        (status === null || product.status === status) &&
        (category === null || product.category === category);
      const items =
        status === null && category === null ? store.products : store.products.filter(wanted);
      return { status: 200, body: paginate(items, query) };
    },
  },
  {
    method: 'GET',
    path: '/products/{productId}',
    operationId: 'getProduct',
    cache: 'public',
    handle({ params, store }) {
      const product = store.productById(params.productId ?? '');
      if (!product) throw notFound(`Product ${(params.productId ?? '').slice(0, 40)}`);
      return { status: 200, body: product };
    },
  },
  {
    method: 'PATCH',
    path: '/products/{productId}',
    operationId: 'updateProduct',
    handle({ params, body, store, now, idempotencyKey }) {
      const product = store.productById(params.productId ?? '');
      if (!product) throw notFound(`Product ${(params.productId ?? '').slice(0, 40)}`);
      const update = parseProductUpdate(body);
      const changed =
        (update.title !== undefined && update.title !== product.title) ||
        (update.description !== undefined && update.description !== product.description);
      // Setting what is already there is not a write: nothing changes and nothing is logged.
      if (!changed) return { status: 200, body: product };
      if (update.title !== undefined) product.title = update.title;
      if (update.description !== undefined) product.description = update.description;
      product.updatedAt = now.toISOString();
      store.writes.applied('updateProduct', product.id, { idempotencyKey });
      return { status: 200, body: product };
    },
  },
  {
    method: 'GET',
    path: '/products/by-sku/{sku}',
    operationId: 'getProductBySku',
    cache: 'public',
    handle({ params, store }) {
      const product = store.productBySku(params.sku ?? '');
      if (!product) throw notFound(`A product with SKU ${(params.sku ?? '').slice(0, 40)}`);
      return { status: 200, body: product };
    },
  },
];
