/**
 * Subscription caps over real SSE streams: per client (network address) and
 * per source. A stream over the cap is answered with
 * SUBSCRIPTION_LIMIT_EXCEEDED and never reaches billing; a closed stream
 * frees its place.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();

let systems: Systems;
let gateway: TestGateway;
const SUBSCRIBE = JSON.stringify({ query: 'subscription { invoiceEvents { kind invoiceId } }' });

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  gateway = await startGatewayOn(
    unifiedDemoConfig(systems, {
      endpoints: {},
      limits: { maxStreamsPerClient: 2, maxStreamsPerSource: 3 },
    }),
  );
});

interface Stream {
  readonly request: ClientRequest;
  readonly response: IncomingMessage;
  /** Everything received so far. */
  text(): string;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<string>;
}

/** Opens one SSE subscription from `localAddress` (a loopback address other than 127.0.0.1 is another client). */
function open(localAddress = '127.0.0.1'): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${gateway.url}/graphql`,
      {
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      },
      (response) => {
        let received = '';
        const ended = new Promise<string>((done) => response.on('end', () => done(received)));
        response.on('data', (chunk: Buffer) => (received += chunk.toString()));
        response.on('error', () => undefined);
        resolve({ request, response, text: () => received, ended });
      },
    );
    request.on('error', reject);
    request.end(SUBSCRIBE);
  });
}

const watchCalls = (): number => systems.counts().billing.watchInvoiceEvents ?? 0;

/** Opens streams until one is accepted (the server notices a closed stream asynchronously); at most `attempts`. */
async function openWhenFree(localAddress: string, attempts = 50): Promise<Stream | undefined> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const stream = await open(localAddress);
    const refused = await Promise.race([
      stream.ended.then((text) => text.includes('SUBSCRIPTION_LIMIT_EXCEEDED')),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 100)),
    ]);
    if (!refused) return stream;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

describe('subscription caps', () => {
  it('refuses a client past its cap and the source past its cap, with a clear error and no backend call', async () => {
    const first = await open();
    const second = await open();
    expect([first.response.statusCode, second.response.statusCode]).toEqual([200, 200]);
    const callsBefore = watchCalls();

    const third = await open();
    const refused = await third.ended;
    expect(refused).toContain('SUBSCRIPTION_LIMIT_EXCEEDED');
    expect(JSON.parse(/data: (.*)/.exec(refused)?.[1] ?? '{}')).toMatchObject({
      errors: [{ extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', scope: 'client', limit: 2 } }],
    });

    // Another client may open one more: billing then serves 3, its cap.
    const other = await open('127.0.0.2');
    expect(other.response.statusCode).toBe(200);
    expect(other.text()).not.toContain('SUBSCRIPTION_LIMIT_EXCEEDED');
    const overSource = await (await open('127.0.0.3')).ended;
    expect(JSON.parse(/data: (.*)/.exec(overSource)?.[1] ?? '{}')).toMatchObject({
      errors: [
        { extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', scope: 'source', source: 'billing' } },
      ],
    });
    // The refused streams never reached billing.
    expect(watchCalls() - callsBefore).toBeLessThanOrEqual(1);

    // Closing a stream frees its place, for its client and for the source.
    first.request.destroy();
    const again = await openWhenFree('127.0.0.1');
    expect(again).toBeDefined();

    for (const stream of [second, other, again]) stream?.request.destroy();
    const health = await gateway.fetch('/healthz');
    expect(health.status).toBe(200);
    await health.body?.cancel();
    const canary = await gateway.graphql('{ product(sku: "SKU-00001") { sku } }');
    expect(canary.body).toEqual({ data: { product: { sku: 'SKU-00001' } } });
  });
});
