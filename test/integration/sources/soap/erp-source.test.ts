import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startErp } from '../../../../demo/erp/index.js';
import type { DemoSystem } from '../../../../demo/common/system.js';
import {
  isSourceError,
  type Operation,
  type Source,
  type SourceError,
} from '../../../../sources/common/index.js';
import { createSoapSource, type SoapSourceOptions } from '../../../../sources/soap/index.js';

let erp: DemoSystem;
let erpWithToken: DemoSystem;
let source: Source;
const opened: Source[] = [];

async function open(
  options: Partial<SoapSourceOptions> = {},
  system: DemoSystem = erp,
): Promise<Source> {
  const created = await createSoapSource({
    name: 'erp',
    contract: system.contract,
    url: system.url,
    ...options,
  });
  opened.push(created);
  return created;
}

const op = (s: Source, name: string): Operation => {
  const found = s.operations.get(name);
  if (!found) throw new Error(`no operation ${name}`);
  return found;
};

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSourceError(error), String(error)).toBe(true);
  return error as SourceError;
}

beforeAll(async () => {
  erp = await startErp();
  erpWithToken = await startErp({ usernameToken: { username: 'gateway', password: 'pa55-w0rd' } });
  source = await open({
    batch: {
      getStockLevels: { key: 'itemCode', itemKey: 'itemCode', many: true },
      getItem: { via: 'getItems', key: 'itemCode', itemKey: 'itemCode' },
    },
  });
});

afterAll(async () => {
  for (const s of opened) await s.close();
  await erp.close();
  await erpWithToken.close();
});

describe('SOAP source against the demo erp', () => {
  it('reads an item in the declared shape: enums mapped, xs:long and xs:decimal exact, nil as null', async () => {
    const item = (await op(source, 'getItem').invoke({ itemCode: 'SKU-00097' }, {})) as Record<
      string,
      unknown
    >;
    expect(item).toMatchObject({
      itemCode: 'SKU-00097',
      status: 'ARCHIVED',
      rowVersion: '9007199254741089',
    });
    expect(item.weightKg).toMatch(/^\d+\.\d{3}$/);
    const active = (await op(source, 'getItem').invoke({ itemCode: 'SKU-00001' }, {})) as Record<
      string,
      unknown
    >;
    expect(active).toMatchObject({
      status: 'ACTIVE',
      discontinuedAt: null,
      rowVersion: '9007199254740993',
    });
  });

  it('reads a one-element answer as a list', async () => {
    const rows = await op(source, 'getStockLevels').invoke(
      { itemCode: ['SKU-00005'], warehouse: 'WH_WEST' },
      {},
    );
    expect(rows).toEqual([
      expect.objectContaining({ itemCode: 'SKU-00005', warehouse: 'WH_WEST' }),
    ]);
  });

  it('answers a batch of stock lookups with ONE backend call, rows per key, in key order', async () => {
    erp.counter.reset();
    const answers = (await op(source, 'getStockLevels').batch?.invokeMany(
      ['SKU-00003', 'SKU-00001', 'SKU-NOPE'],
      {},
    )) as unknown[][];
    expect(answers.slice(0, 2).map((rows) => rows.length)).toEqual([3, 3]);
    expect(answers[2]).toMatchObject({ code: 'SOURCE_NOT_FOUND', source: 'erp' });
    expect(
      (answers[1] as Array<{ itemCode: string }>).every((row) => row.itemCode === 'SKU-00001'),
    ).toBe(true);
    expect(erp.counter.snapshot()).toEqual({ GetStockLevels: 1 });
  });

  it('answers a batch of item lookups via getItems in one call, SOURCE_NOT_FOUND for unknown keys', async () => {
    erp.counter.reset();
    const answers = (await op(source, 'getItem').batch?.invokeMany(
      ['SKU-00002', 'SKU-NOPE', 'SKU-00001'],
      {},
    )) as Array<{ itemCode: string } | null>;
    expect(answers.map((a) => a?.itemCode ?? null)).toEqual(['SKU-00002', null, 'SKU-00001']);
    expect(answers[1]).toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    expect(erp.counter.snapshot()).toEqual({ GetItems: 1 });
  });

  it('creates a sales order and reads it back; argument text reaches the erp as literal text', async () => {
    const created = (await op(source, 'createSalesOrder').invoke(
      {
        customerId: 'cus_0001',
        line: [{ itemCode: 'SKU-00001', quantity: 2 }],
        note: '</note><evil/>&amp;',
      },
      {},
    )) as Record<string, unknown>;
    expect(created).toMatchObject({
      status: 'PENDING',
      totalQuantity: 2,
      note: '</note><evil/>&amp;',
      line: [{ itemCode: 'SKU-00001', quantity: 2, lineNumber: 1 }],
    });
    const fetched = (await op(source, 'getSalesOrder').invoke(
      { documentNumber: created.documentNumber },
      {},
    )) as Record<string, unknown>;
    expect(fetched).toEqual(created);
  });

  it('an injection attempt in an argument is an unknown item to the erp, not markup', async () => {
    const error = await failure(
      op(source, 'getItem').invoke({ itemCode: '</itemCode><evil/><itemCode>SKU-00001' }, {}),
    );
    expect(error.code).toBe('SOURCE_REJECTED');
    // The erp's own reason reaches the caller as text: a client fault is the backend speaking to its caller.
    expect(error.safeMessage).toBe(
      'erp refused the request (SOAP client fault) in getItem: Item </itemCode><evil/><itemCode>SKU-00001 does not exist.',
    );
  });

  it('lists orders with enum filters and adjusts inventory', async () => {
    const orders = (await op(source, 'listSalesOrders').invoke(
      { status: 'SHIPPED', maxResults: 3 },
      {},
    )) as Array<{ status: string }>;
    expect(orders).toHaveLength(3);
    expect(orders.every((o) => o.status === 'SHIPPED')).toBe(true);
    const before =
      (
        (await op(source, 'getStockLevels').invoke(
          { itemCode: ['SKU-00009'], warehouse: 'WH_CENTRAL' },
          {},
        )) as Array<{ onHand: number }>
      )[0]?.onHand ?? 0;
    const adjustment = await op(source, 'adjustInventory').invoke(
      { itemCode: 'SKU-00009', warehouse: 'WH_CENTRAL', quantityDelta: 5, reason: 'RECEIVED' },
      {},
    );
    expect(adjustment).toMatchObject({
      itemCode: 'SKU-00009',
      warehouse: 'WH_CENTRAL',
      quantityDelta: 5,
      reason: 'RECEIVED',
      onHandAfter: before + 5,
    });
  });

  it('maps a Client fault to SOURCE_REJECTED with its faultstring in the message, faultcode and httpStatus in details, detail only in logDetail', async () => {
    const error = await failure(op(source, 'getItem').invoke({ itemCode: 'SKU-99999' }, {}));
    expect(error).toMatchObject({
      code: 'SOURCE_REJECTED',
      retryable: false,
      source: 'erp',
      operation: 'getItem',
    });
    expect(error.safeMessage).toBe(
      'erp refused the request (SOAP client fault) in getItem: Item SKU-99999 does not exist.',
    );
    expect(error.details).toEqual({ faultcode: 'soap:Client', httpStatus: 500 });
    expect(error.logDetail).toMatchObject({
      faultstring: 'Item SKU-99999 does not exist.',
      detail: 'UNKNOWN_ITEM Item SKU-99999 does not exist.',
    });
    expect(error.safeMessage).not.toContain(erp.url);
  });

  it('maps Server faults to retryable SOURCE_UNAVAILABLE and a rate limit to SOURCE_RATE_LIMITED with Retry-After', async () => {
    try {
      erp.misbehaviour.set({ errorRate: 1 });
      expect(
        await failure(op(source, 'getItem').invoke({ itemCode: 'SKU-00001' }, {})),
      ).toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        retryable: true,
        details: { faultcode: 'Server', httpStatus: 500 },
      });
      erp.misbehaviour.set({ unavailable: true });
      expect(
        await failure(op(source, 'getItem').invoke({ itemCode: 'SKU-00001' }, {})),
      ).toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        retryable: true,
        details: { httpStatus: 503 },
      });
      erp.misbehaviour.set({ rateLimited: true });
      expect(
        await failure(op(source, 'getItem').invoke({ itemCode: 'SKU-00001' }, {})),
      ).toMatchObject({
        code: 'SOURCE_RATE_LIMITED',
        retryable: true,
        retryAfterMs: 1000,
        details: { faultcode: 'RateLimited', httpStatus: 429 },
      });
    } finally {
      erp.misbehaviour.set({});
    }
  });

  it('speaks SOAP 1.2 when configured, faults included', async () => {
    const soap12 = await open({ soapVersion: '1.2' });
    expect(await op(soap12, 'getItem').invoke({ itemCode: 'SKU-00001' }, {})).toMatchObject({
      itemCode: 'SKU-00001',
    });
    const error = await failure(op(soap12, 'getItem').invoke({ itemCode: 'SKU-99999' }, {}));
    expect(error).toMatchObject({
      code: 'SOURCE_REJECTED',
      safeMessage: expect.stringMatching(/: Item SKU-99999 does not exist\.$/),
      details: { faultcode: 'soap:Sender' },
    });
  });

  it('reads the WSDL and its relative XSD import over HTTP, url defaulting to soap:address', async () => {
    const remote = await createSoapSource({ name: 'erp', contract: `${erp.url}?wsdl` });
    opened.push(remote);
    expect(await op(remote, 'getItem').invoke({ itemCode: 'SKU-00002' }, {})).toMatchObject({
      itemCode: 'SKU-00002',
    });
  });

  it('refuses bad arguments before calling, as SOURCE_BAD_INPUT', async () => {
    erp.counter.reset();
    expect(
      await failure(
        op(source, 'adjustInventory').invoke(
          { itemCode: 'SKU-00001', warehouse: 'MOON', quantityDelta: 1, reason: 'RECEIVED' },
          {},
        ),
      ),
    ).toMatchObject({ code: 'SOURCE_BAD_INPUT' });
    expect(await failure(op(source, 'getItem').invoke({ itemCode: 'a\u0000b' }, {}))).toMatchObject(
      { code: 'SOURCE_BAD_INPUT' },
    );
    expect(erp.counter.total()).toBe(0);
  });

  it('health() answers ok, and never rejects once the backend is gone; close() is idempotent', async () => {
    const spare = await startErp();
    const s = await open({}, spare);
    await expect(s.health()).resolves.toMatchObject({ ok: true });
    await spare.close();
    await expect(s.health()).resolves.toMatchObject({ ok: false });
    expect(await failure(op(s, 'getItem').invoke({ itemCode: 'SKU-00001' }, {}))).toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
    });
    await s.close();
    await s.close();
  });
});

describe('credentials', () => {
  it('WS-Security UsernameToken digest and text are accepted by the erp; a wrong password is refused', async () => {
    for (const passwordType of ['digest', 'text'] as const) {
      const s = await open(
        { auth: { type: 'wsSecurity', username: 'gateway', password: 'pa55-w0rd', passwordType } },
        erpWithToken,
      );
      expect(await op(s, 'getItem').invoke({ itemCode: 'SKU-00001' }, {})).toMatchObject({
        itemCode: 'SKU-00001',
      });
    }
    const wrong = await open(
      { auth: { type: 'wsSecurity', username: 'gateway', password: 'nope' } },
      erpWithToken,
    );
    expect(await failure(op(wrong, 'getItem').invoke({ itemCode: 'SKU-00001' }, {}))).toMatchObject(
      { code: 'SOURCE_REJECTED', details: { faultcode: 'soap:Client.Authentication' } },
    );
    const none = await open({}, erpWithToken);
    expect(await failure(op(none, 'getItem').invoke({ itemCode: 'SKU-00001' }, {}))).toMatchObject({
      code: 'SOURCE_REJECTED',
    });
  });

  it('basic and bearer credentials and the SOAPAction header reach the server', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => {
        res
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetItemsResponse xmlns="http://switchboard.example/erp"/></s:Body></s:Envelope>',
          );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (server.address() as { port: number }).port;
      const url = `http://127.0.0.1:${port}/erp`;
      const basic = await open({ url, auth: { type: 'basic', username: 'gw', password: 'p:w' } });
      const bearer = await open({ url, auth: { type: 'bearer', token: 'tok-123' } });
      expect(
        await op(basic, 'getItems').invoke({ itemCode: ['SKU-00001'] }, { requestId: 'req-1' }),
      ).toEqual([]);
      expect(await op(bearer, 'getItems').invoke({ itemCode: ['SKU-00001'] }, {})).toEqual([]);
      const soap12 = await open({ url, soapVersion: '1.2' });
      expect(
        await op(soap12, 'getItems').invoke({ itemCode: 'SKU-00001' }, { idempotencyKey: 'k-1' }),
      ).toEqual([]);
      expect(seen).toHaveLength(3);
      expect(seen[2]).toMatchObject({
        'content-type':
          'application/soap+xml; charset=utf-8; action="http://switchboard.example/erp/GetItems"',
        'idempotency-key': 'k-1',
      });
      expect(seen[2]?.soapaction).toBeUndefined();
      expect(seen[0]).toMatchObject({
        authorization: `Basic ${Buffer.from('gw:p:w').toString('base64')}`,
        soapaction: '"http://switchboard.example/erp/GetItems"',
        'content-type': 'text/xml; charset=utf-8',
        'x-request-id': 'req-1',
      });
      expect(seen[1]).toMatchObject({ authorization: 'Bearer tok-123' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
