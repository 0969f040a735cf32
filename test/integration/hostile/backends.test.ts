/**
 * Issue 14 "Backends" and issue 13's upstream reasons, attacked through the
 * running gateway: the demo systems sit behind rewriting proxies (real HTTP
 * servers) that turn their answers hostile. Each case asserts the status,
 * the code and path, the backend calls made, and that the gateway still
 * answers afterwards (health and a canary query).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchboardConfig } from '../../../gateway/index.js';
import { createGrpcSource } from '../../../sources/grpc/index.js';
import { createRestSource } from '../../../sources/rest/index.js';
import { createSoapSource } from '../../../sources/soap/index.js';
import {
  COMMERCE_SCHEMA,
  DEMO_AUTH,
  startGatewayOn,
  startSystems,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import {
  interceptLog,
  startRewriteProxy,
  type LogCapture,
  type ProxiedAnswer,
  type RewriteProxy,
} from './rewrite-proxy.js';

useHarness();

let systems: Systems;
let storefront: RewriteProxy;
let erp: RewriteProxy;
let gateway: TestGateway;
let log: LogCapture;

/** The demo's unified config (batches as switchboard.config.ts), storefront and erp reached through the proxies. */
function config(): SwitchboardConfig {
  return {
    schema: COMMERCE_SCHEMA,
    // The demo's anonymous scopes: these cases are about backends, not callers.
    auth: DEMO_AUTH,
    logging: { level: 'info' },
    sources: [
      createRestSource({
        name: 'storefront',
        contract: systems.storefront.contract,
        url: storefront.url,
        batch: {
          getProductBySku: {
            via: 'listProducts',
            key: 'sku',
            listArgument: 'skus',
            itemKey: 'sku',
            resultPath: 'items',
            maxKeys: 100,
          },
        },
      }),
      createSoapSource({
        name: 'erp',
        contract: systems.erp.contract,
        url: erp.url,
        maxResponseElements: 5_000,
        batch: {
          getItem: { via: 'getItems', key: 'itemCode', itemKey: 'itemCode' },
          getStockLevels: { key: 'itemCode', itemKey: 'itemCode', many: true },
        },
      }),
      createGrpcSource({
        name: 'billing',
        contract: systems.billing.contract,
        url: systems.billing.url,
      }),
    ],
    // Every case here is about what a backend answered: no read cache to answer for it, no retries to multiply its calls.
    pipeline: { cache: { enabled: false }, retry: { maxAttempts: 1 } },
  };
}

beforeAll(async () => {
  systems = await startSystems();
  storefront = await startRewriteProxy(systems.storefront.url);
  erp = await startRewriteProxy(systems.erp.url);
  log = interceptLog();
  gateway = await startGatewayOn(config());
});

afterEach(() => {
  storefront.rewrite(undefined);
  erp.rewrite(undefined);
  erp.down(false);
  log.take();
});

afterAll(() => log.restore());

/** The gateway is up and still answers a query of every system. */
async function expectStillServing(): Promise<void> {
  storefront.rewrite(undefined);
  erp.rewrite(undefined);
  expect((await gateway.fetch('/healthz')).status).toBe(200);
  const canary = await gateway.graphql(
    '{ product(sku: "SKU-00003") { sku title weightKg price { currencyCode } stock { available } } }',
  );
  expect(canary.body.errors).toBeUndefined();
  expect(canary.body.data.product).toMatchObject({
    sku: 'SKU-00003',
    title: expect.any(String),
    price: { currencyCode: expect.any(String) },
    stock: { available: expect.any(Number) },
  });
}

const xml = (
  status: number,
  text: string,
  contentType = 'text/xml; charset=utf-8',
): ProxiedAnswer => ({
  status,
  headers: { 'content-type': contentType },
  body: Buffer.from(text, 'utf8'),
});
const fault = (code: string, faultstring: string, detail: string): string =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>${code}</faultcode><faultstring>${faultstring}</faultstring><detail><trace>${detail}</trace></detail></s:Fault></s:Body></s:Envelope>`;
const isCall = (name: string) => (req: { body: string }) =>
  req.body.includes(`${name}Request`) ||
  req.body.includes(`<${name}`) ||
  req.body.includes(`:${name}>`);

describe('server faults stay in the log; caller faults pass on cleaned (issue 14, issue 13 §2)', () => {
  it('a SOAP Server fault (SQL, internal host, stack) reaches the caller as source, operation and a generic sentence; the log line has it, redacted', async () => {
    erp.rewrite((req, real) =>
      isCall('GetItem')(req)
        ? xml(
            500,
            fault(
              'soap:Server',
              'ORA-00942: table ITEMS missing at db-01.corp.internal:1521 password=hunter2',
              'at com.erp.ItemDao.find(ItemDao.java:42)',
            ),
          )
        : real,
    );
    const response = await gateway.graphql('{ product(sku: "SKU-00001") { sku weightKg } }');
    expect(response.status).toBe(200);
    expect(response.body.data.product).toEqual({ sku: 'SKU-00001', weightKg: null });
    const [error] = response.body.errors ?? [];
    expect(error).toMatchObject({
      path: ['product', 'weightKg'],
      message: 'erp failed to answer (SOAP server fault) in getItem.',
    });
    expect(error?.extensions).toEqual({
      code: 'SOURCE_UNAVAILABLE',
      source: 'erp',
      operation: 'getItem',
      faultcode: 'Server',
      httpStatus: 500,
    });
    expect(response.text).not.toMatch(/ORA-|db-01|1521|ItemDao|hunter2/);
    const line = log
      .take()
      .find((entry) => entry.source === 'erp' && entry.operation === 'getItem');
    expect(line).toMatchObject({
      level: 'warn',
      code: 'SOURCE_UNAVAILABLE',
      httpStatus: 500,
      faultcode: 'soap:Server',
      detail: 'at com.erp.ItemDao.find(ItemDao.java:42)',
    });
    expect(String(line?.faultstring)).toContain(
      'ORA-00942: table ITEMS missing at db-01.corp.internal:1521',
    );
    expect(JSON.stringify(line)).not.toContain('hunter2');
    await expectStillServing();
  });

  it('a SOAP Client fault passes its reason on, without addresses or secrets, bounded', async () => {
    erp.rewrite((req, real) =>
      isCall('GetItem')(req)
        ? xml(
            500,
            fault(
              'soap:Client',
              `Item code format is wrong; see http://wiki.erp.internal/codes or ask 10.1.2.3:8080, token=abc123secret ${'x '.repeat(400)}`,
              'internal',
            ),
          )
        : real,
    );
    const response = await gateway.graphql('{ product(sku: "SKU-00001") { weightKg } }');
    const [error] = response.body.errors ?? [];
    expect(error?.extensions).toMatchObject({
      code: 'SOURCE_REJECTED',
      faultcode: 'soap:Client',
      httpStatus: 500,
    });
    expect(error?.message).toMatch(
      /^erp refused the request \(SOAP client fault\) in getItem: Item code format is wrong; see <address> or ask <address>, token=<redacted>/,
    );
    expect(error?.message.length).toBeLessThan(320);
    expect(response.text).not.toMatch(/wiki\.erp|10\.1\.2\.3|abc123secret|internal/);
    await expectStillServing();
  });

  it("the storefront's own reason for a 400 reaches the caller with httpStatus; the failure is logged once", async () => {
    storefront.reset();
    const response = await gateway.graphql(
      '{ products(first: 2, after: "garbage") { edges { node { sku } } } }',
    );
    const [error] = response.body.errors ?? [];
    expect(error?.extensions).toMatchObject({
      code: 'SOURCE_REJECTED',
      source: 'storefront',
      operation: 'listProducts',
      httpStatus: 400,
    });
    expect(error?.message).toMatch(/^storefront answered listProducts with HTTP 400: .*cursor/i);
    expect(storefront.requests()).toBe(1);
    const lines = log.take().filter((entry) => entry.source === 'storefront');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      operation: 'listProducts',
      code: 'SOURCE_REJECTED',
      httpStatus: 400,
      reason: expect.stringMatching(/cursor/i),
    });
    await expectStillServing();
  });

  it('a REST 500 problem (SQL, host) is a generic sentence for the caller and a redacted log line', async () => {
    storefront.rewrite((req, real) =>
      req.path.includes('/products')
        ? {
            status: 500,
            headers: { 'content-type': 'application/problem+json' },
            body: Buffer.from(
              JSON.stringify({
                title: 'Internal',
                detail:
                  'pg: relation "products" does not exist (host pg-main.svc.cluster.local, Authorization: Bearer sk_live_0123456789abcdef)',
              }),
            ),
          }
        : real,
    );
    const response = await gateway.graphql('{ product(sku: "SKU-00001") { title } }');
    const [error] = response.body.errors ?? [];
    expect(error).toMatchObject({
      path: ['product'],
      message: 'storefront answered getProductBySku with HTTP 500.',
      extensions: { code: 'SOURCE_UNAVAILABLE', httpStatus: 500 },
    });
    expect(response.text).not.toMatch(/relation|pg-main|sk_live/);
    const line = log.take().find((entry) => entry.source === 'storefront');
    expect(String(line?.reason)).toContain(
      'relation "products" does not exist (host pg-main.svc.cluster.local',
    );
    expect(JSON.stringify(line)).not.toContain('sk_live_0123456789abcdef');
  });
});

describe('malformed SOAP is refused, not read (issue 14)', () => {
  const bodyOf = (real: ProxiedAnswer): string => real.body.toString('utf8');
  const cases: ReadonlyArray<readonly [string, (real: ProxiedAnswer) => ProxiedAnswer]> = [
    // The first Body is a forged answer (another weight): before the fix it was the one read.
    [
      'an envelope with two Bodies',
      (real) =>
        xml(
          200,
          bodyOf(real).replace(
            /<(\w+):Body>([\s\S]*)<\/\1:Body>/,
            (_all, p: string, inner: string) =>
              `<${p}:Body>${inner.replace(/<(\w+:)?weightKg>[^<]*/, '<$1weightKg>999.000')}</${p}:Body><${p}:Body>${inner}</${p}:Body>`,
          ),
        ),
    ],
    [
      'a Header after the Body',
      (real) => xml(200, bodyOf(real).replace(/<\/(\w+):Body>/, '</$1:Body><$1:Header/>')),
    ],
    // UTF-7 smuggles markup as +ADw-...: a decoder that guesses reads something else than a UTF-7 one would.
    [
      'a response declared UTF-7',
      (real) =>
        xml(
          200,
          `<?xml version="1.0" encoding="UTF-7"?>${bodyOf(real).replace(/^<\?xml[^>]*\?>/, '')}`,
          'text/xml',
        ),
    ],
    [
      'UTF-8 bytes labelled UTF-16 by the header',
      (real) => xml(200, bodyOf(real), 'text/xml; charset=utf-16'),
    ],
    [
      'UTF-8 bytes labelled UTF-16 by the XML declaration',
      (real) =>
        xml(
          200,
          `<?xml version="1.0" encoding="UTF-16"?>${bodyOf(real).replace(/^<\?xml[^>]*\?>/, '')}`,
          'text/xml',
        ),
    ],
    // An invalid sequence inside a text value: read as U+FFFD before the fix.
    [
      'bytes that are not UTF-8 in a UTF-8 answer',
      (real) => {
        const at = real.body.indexOf('description>') + 'description>'.length;
        return {
          ...real,
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          body: Buffer.concat([
            real.body.subarray(0, at),
            Buffer.from([0xc3, 0x28]),
            real.body.subarray(at),
          ]),
        };
      },
    ],
    [
      'an answer with more elements than maxResponseElements',
      (real) =>
        xml(200, bodyOf(real).replace(/<\/(\w+):Body>/, `${'<pad/>'.repeat(6_000)}</$1:Body>`)),
    ],
  ];

  it.each(cases)(
    '%s: the field fails with SOURCE_BAD_RESPONSE after one call; the rest of the answer arrives',
    async (_name, hostile) => {
      erp.rewrite((req, real) => (isCall('GetItem')(req) ? hostile(real) : real));
      erp.reset();
      const response = await gateway.graphql(
        '{ product(sku: "SKU-00002") { sku title weightKg } }',
      );
      expect(response.status).toBe(200);
      expect(response.body.data.product).toMatchObject({
        sku: 'SKU-00002',
        title: expect.any(String),
        weightKg: null,
      });
      const errors = response.body.errors ?? [];
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        path: ['product', 'weightKg'],
        extensions: { code: 'SOURCE_BAD_RESPONSE', source: 'erp', operation: 'getItem' },
      });
      // One GetItem, not retried: a refused answer will not improve.
      expect(erp.requests()).toBe(1);
      await expectStillServing();
    },
  );
});

describe('wrong shapes and missing batch entries (issue 14)', () => {
  /** Rewrites every JSON answer of the storefront with `change` applied to each object in it. */
  const rewriteJson =
    (change: (node: Record<string, unknown>) => void) =>
    (_req: unknown, real: ProxiedAnswer): ProxiedAnswer | undefined => {
      if (!String(real.headers['content-type']).includes('json')) return undefined;
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (typeof node === 'object' && node !== null) {
          change(node as Record<string, unknown>);
          Object.values(node).forEach(walk);
        }
      };
      const parsed: unknown = JSON.parse(real.body.toString('utf8'));
      walk(parsed);
      return { ...real, body: Buffer.from(JSON.stringify(parsed)) };
    };

  it('title: 42 fails that field with SOURCE_BAD_RESPONSE, never coerced to "42"', async () => {
    storefront.rewrite(
      rewriteJson((node) => {
        if ('title' in node) node.title = 42;
      }),
    );
    const response = await gateway.graphql('{ product(sku: "SKU-00001") { sku title } }');
    expect(response.text).not.toContain('"42"');
    expect(response.body.errors?.[0]).toMatchObject({
      path: ['product', 'title'],
      extensions: { code: 'SOURCE_BAD_RESPONSE', source: 'storefront' },
    });
    expect(response.body.errors?.[0]?.message).toMatch(
      /a number in title, where its contract declares a String/,
    );
  });

  it('a nullable field of the wrong type is null with the error; its siblings arrive', async () => {
    storefront.rewrite(
      rewriteJson((node) => {
        if ('note' in node || 'status' in node) node.note = { injected: true };
      }),
    );
    const response = await gateway.graphql('{ order(id: "ord_00001") { id status note } }');
    expect(response.body.data.order).toMatchObject({
      id: 'ord_00001',
      status: expect.any(String),
      note: null,
    });
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]).toMatchObject({
      path: ['order', 'note'],
      extensions: { code: 'SOURCE_BAD_RESPONSE' },
    });
  });

  it('amountMinor: "abc" is never computed on: Money.amount fails with SOURCE_BAD_RESPONSE', async () => {
    storefront.rewrite(
      rewriteJson((node) => {
        if ('amountMinor' in node) node.amountMinor = 'abc';
      }),
    );
    const response = await gateway.graphql(
      '{ order(id: "ord_00001") { id total { amount currencyCode } } }',
    );
    expect(response.body.errors?.[0]).toMatchObject({
      path: ['order', 'total', 'amount'],
      extensions: { code: 'SOURCE_BAD_RESPONSE', source: 'storefront' },
    });
    expect(response.text).not.toMatch(/NaN|abc/);
  });

  it("a SKU the erp's batch answer leaves out is stock: null with SOURCE_NOT_FOUND at its path, never {available: 0}", async () => {
    erp.rewrite((req, real) =>
      isCall('GetStockLevels')(req)
        ? xml(
            200,
            real.body
              .toString('utf8')
              .replace(
                /<(\w+:)?stockLevel>(?:(?!<\/(\w+:)?stockLevel>)[\s\S])*?SKU-00002[\s\S]*?<\/(\w+:)?stockLevel>/g,
                '',
              ),
          )
        : real,
    );
    erp.reset();
    const response = await gateway.graphql(
      '{ a: product(sku: "SKU-00001") { stock { available onHand } } b: product(sku: "SKU-00002") { sku stock { available onHand } } }',
    );
    expect(response.body.data.a.stock).toEqual({
      available: expect.any(Number),
      onHand: expect.any(Number),
    });
    expect(response.body.data.b).toEqual({ sku: 'SKU-00002', stock: null });
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]).toMatchObject({
      path: ['b', 'stock'],
      extensions: { code: 'SOURCE_NOT_FOUND', source: 'erp' },
    });
    expect(response.text).not.toMatch(/"available":0/);
    await expectStillServing();
  });

  it('a batch of one that answers no row for its key is SOURCE_NOT_FOUND too', async () => {
    erp.rewrite((req, real) =>
      isCall('GetStockLevels')(req)
        ? xml(
            200,
            real.body
              .toString('utf8')
              .replace(/<(\w+:)?stockLevel>[\s\S]*<\/(\w+:)?stockLevel>/, ''),
          )
        : real,
    );
    const response = await gateway.graphql(
      '{ product(sku: "SKU-00004") { sku stock { available } } }',
    );
    expect(response.body.data.product).toEqual({ sku: 'SKU-00004', stock: null });
    expect(response.body.errors?.[0]).toMatchObject({
      path: ['product', 'stock'],
      extensions: { code: 'SOURCE_NOT_FOUND' },
    });
  });
});

describe('readiness (issue 14)', () => {
  it('with the erp down, /readyz stays 200 "degraded" with the erp\'s health in its body, and the other systems still answer', async () => {
    erp.down(true);
    const ready = await gateway.fetch('/readyz');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      status: string;
      sources: Record<string, { ok: boolean }>;
    };
    expect(body).toMatchObject({
      status: 'degraded',
      sources: { erp: { ok: false }, storefront: { ok: true }, billing: { ok: true } },
    });
    const partial = await gateway.graphql(
      '{ product(sku: "SKU-00001") { sku title price { currencyCode } weightKg } }',
    );
    expect(partial.body.data.product).toMatchObject({
      sku: 'SKU-00001',
      title: expect.any(String),
      price: { currencyCode: expect.any(String) },
      weightKg: null,
    });
    expect(partial.body.errors?.[0]).toMatchObject({
      path: ['product', 'weightKg'],
      extensions: { code: 'SOURCE_UNAVAILABLE', source: 'erp' },
    });
    erp.down(false);
    expect((await gateway.fetch('/readyz')).status).toBe(200);
    await expectStillServing();
  });
});
