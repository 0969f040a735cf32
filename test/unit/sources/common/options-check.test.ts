import { describe, expect, it } from 'vitest';
import { SourceConfigError, type Source } from '../../../../sources/common/index.js';
import { createGrpcSource } from '../../../../sources/grpc/index.js';
import { createRestSource } from '../../../../sources/rest/index.js';
import { createSoapSource } from '../../../../sources/soap/index.js';

const BILLING = 'demo/billing/proto/billing/v1/billing.proto';
const STOREFRONT = 'demo/storefront/openapi.yaml';
const ERP = 'demo/erp/erp.wsdl';

async function refusal(build: () => Promise<Source>): Promise<SourceConfigError> {
  const error: unknown = await build().then(
    async (source) => {
      await source.close();
      return undefined;
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SourceConfigError);
  return error as SourceConfigError;
}

describe('source options are checked before anything is read', () => {
  // Regression: `bacth:` on billing passed every check, and a page of 20 products made 20 GetPrice calls.
  it('refuses a misspelt top-level option with CONFIG_INVALID and the option it meant', async () => {
    const batch = {
      getPrice: {
        via: 'batchGetPrices',
        key: 'sku',
        listArgument: 'skus',
        itemKey: 'sku',
        resultPath: 'prices',
      },
    };
    const error = await refusal(() =>
      createGrpcSource({
        name: 'billing',
        contract: BILLING,
        url: '127.0.0.1:1',
        bacth: batch,
      } as never),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.path).toBe('bacth');
    expect(error.safeMessage).toMatch(
      /"bacth" of billing is not an option: did you mean "batch"\?/,
    );
  });

  it.each([
    [
      'REST',
      () =>
        createRestSource({ name: 'storefront', contract: STOREFRONT, urll: 'http://x' } as never),
      'urll',
      /did you mean "url"\?/,
    ],
    [
      'SOAP',
      () => createSoapSource({ name: 'erp', contract: ERP, timeoutMS: 5 } as never),
      'timeoutMS',
      /did you mean "timeoutMs"\?/,
    ],
    [
      'a batch key',
      () =>
        createRestSource({
          name: 'storefront',
          contract: STOREFRONT,
          batch: { getProduct: { via: 'listProducts', key: 'productId', itemkey: 'id' } },
        } as never),
      'batch.getProduct.itemkey',
      /did you mean "itemKey"\?/,
    ],
    [
      'a missing itemKey',
      () =>
        createRestSource({
          name: 'storefront',
          contract: STOREFRONT,
          batch: { getProduct: { via: 'listProducts', key: 'productId' } },
        } as never),
      'batch.getProduct.itemKey',
      /non-empty string, instead got undefined/,
    ],
    [
      'a batch of an unknown operation',
      () =>
        createRestSource({
          name: 'storefront',
          contract: STOREFRONT,
          batch: { getProdct: { key: 'productId', itemKey: 'id' } },
        }),
      'batch.getProdct',
      /did you mean "getProduct"/,
    ],
    [
      'a batch via an unknown operation',
      () =>
        createRestSource({
          name: 'storefront',
          contract: STOREFRONT,
          batch: { getProduct: { via: 'listProduct', key: 'productId', itemKey: 'id' } },
        }),
      'batch.getProduct.via',
      /did you mean "listProducts"/,
    ],
  ])('refuses %s', async (_case, build, path, message) => {
    const error = await refusal(build as () => Promise<Source>);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.path).toBe(path);
    expect(error.safeMessage).toMatch(message);
  });
});
