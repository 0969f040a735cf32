import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/index.js';
import { demoConfig, startGatewayOn, startSystems, useHarness } from '../../harness/index.js';

useHarness();

describe('demoConfig', () => {
  it('points the storefront source at the started storefront, so a query costs one backend call', async () => {
    const systems = await startSystems(['storefront']);
    const gateway = await startGatewayOn(demoConfig(systems));
    const product = catalogue().products[1];
    if (!product) throw new Error('the catalogue has no products');

    systems.resetCounts();
    const { status, body } = await gateway.graphql(
      'query($id: String!) { storefront { getProduct(productId: $id) { id title } } }',
      { id: product.id },
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { storefront: { getProduct: { id: product.id, title: product.title } } },
    });
    expect(systems.counts().storefront).toEqual({ getProduct: 1 });
  });

  it('applies overrides and keeps the sources', async () => {
    const systems = await startSystems(['storefront']);
    const config = demoConfig(systems, { limits: { maxDepth: 3 } });
    expect(config.sources).toHaveLength(1);
    expect(config.limits).toEqual({ maxDepth: 3 });
    expect(config.logging).toEqual({ level: 'silent' });
    const gateway = await startGatewayOn(config);
    const deep = await gateway.graphql(
      '{ storefront { getProduct(productId: "prod_00001") { variants { id } } } }',
    );
    expect(deep.body.errors?.length).toBeGreaterThan(0);
    expect(systems.totals().storefront).toBe(0);
  });

  it('gives every started system its source, so one query reaches all three once', async () => {
    const systems = await startSystems();
    const gateway = await startGatewayOn(demoConfig(systems));
    const { status, body } = await gateway.graphql(`{
      storefront { getProduct(productId: "prod_00001") { sku } }
      erp { getItem(itemCode: "SKU-00001") { __typename } }
      billing { getPrice(sku: "SKU-00001") { __typename } }
    }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.storefront).toEqual({ getProduct: { sku: 'SKU-00001' } });
    expect(systems.totals()).toEqual({ storefront: 1, erp: 1, billing: 1 });
  });
});
