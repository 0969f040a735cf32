/**
 * Issue 14 "Big answers": a REST answer is bounded by the JSON values it maps
 * (`maxResponseValues`), counted while it is mapped. A real server on
 * 127.0.0.1 answers as many items as asked; over the bound the field fails
 * with SOURCE_BAD_RESPONSE, logged once, and the gateway still answers.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestSource } from '../../../../sources/rest/index.js';
import { startGatewayOn, useHarness, type TestGateway } from '../../../harness/index.js';
import { interceptLog, type LogCapture } from '../../hostile/rewrite-proxy.js';
import { json, startLocalServer, type LocalServer } from './local-server.js';

useHarness();

const contract = fileURLToPath(
  new URL('../../../fixtures/openapi/big-answers.yaml', import.meta.url),
);
/** Values of an answer of n items: the page, its list, and per item the object and its two scalars. */
const valuesOf = (n: number): number => 2 + 3 * n;
const MAX = 1_000;

let server: LocalServer;
let gateway: TestGateway;
let log: LogCapture;

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    if (req.url.startsWith('/ping')) return json(res, 200, { ok: true });
    const count = Number(new URL(req.url, 'http://x').searchParams.get('count'));
    json(res, 200, {
      items: Array.from({ length: count }, (_, i) => ({ id: i, name: `item ${i}` })),
    });
  });
  log = interceptLog();
  gateway = await startGatewayOn({
    sources: [createRestSource({ name: 'big', contract, url: server.url, maxResponseValues: MAX })],
    endpoints: { sources: 'read-only' },
    logging: { level: 'info' },
  });
}, 60_000);

afterAll(async () => {
  log?.restore();
  await gateway?.close();
  await server?.close();
});

const list = (count: number) =>
  gateway.graphql('query ($c: Int!) { big { listItems(count: $c) { items { id name } } } }', {
    c: count,
  });

describe('maxResponseValues of a REST source', () => {
  it('answers a list under the bound whole', async () => {
    const count = Math.floor((MAX - 2) / 3);
    expect(valuesOf(count)).toBeLessThanOrEqual(MAX);
    const { status, body } = await list(count);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const items = body.data.big.listItems.items;
    expect(items).toHaveLength(count);
    expect(items[count - 1]).toEqual({ id: count - 1, name: `item ${count - 1}` });
  });

  // 400 items (~10 KB) is mapped in one go, 50,000 (~1.3 MB) in slices: both stop at the bound.
  it.each([400, 50_000])(
    'fails an answer of %i items with SOURCE_BAD_RESPONSE after one call, logs it once, and keeps serving',
    async (count) => {
      expect(valuesOf(count)).toBeGreaterThan(MAX);
      log.take();
      const before = server.received.length;
      const { status, body, text } = await list(count);
      expect(status).toBe(200);
      expect(body.data.big.listItems).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]).toMatchObject({
        path: ['big', 'listItems'],
        message:
          'big answered listItems with more JSON values than the source allows (maxResponseValues).',
        extensions: { code: 'SOURCE_BAD_RESPONSE' },
      });
      expect(text).not.toContain('item 1');
      expect(server.received.length - before).toBe(1);
      const lines = log.take().filter((entry) => entry.code === 'SOURCE_BAD_RESPONSE');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        source: 'big',
        operation: 'listItems',
        maxResponseValues: MAX,
      });

      const canary = await gateway.graphql('{ big { getPing { ok } } }');
      expect(canary.body).toEqual({ data: { big: { getPing: { ok: true } } } });
    },
  );

  it('refuses a bound that is not a whole number of at least 1', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN])
      await expect(
        createRestSource({ name: 'big', contract, url: server.url, maxResponseValues: bad }),
      ).rejects.toMatchObject({ code: 'CONFIG_INVALID', path: 'maxResponseValues' });
  });
});
