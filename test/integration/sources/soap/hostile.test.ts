import { createServer, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSourceError, type Source, type SourceError } from '../../../../sources/common/index.js';
import { createSoapSource } from '../../../../sources/soap/index.js';

// A real hostile backend on 127.0.0.1: each test chooses what it answers.
const ERP_WSDL = fileURLToPath(new URL('../../../../demo/erp/erp.wsdl', import.meta.url));
const ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
let answer: (res: ServerResponse) => void = (res) => res.end();
let server: Server;
let source: Source;
let requests = 0;

const envelope = (inner: string): string =>
  `<s:Envelope xmlns:s="${ENV}"><s:Body>${inner}</s:Body></s:Envelope>`;
const item = (code: string): string =>
  `<GetItemResponse xmlns="http://switchboard.example/erp"><item rowVersion="1"><itemCode>${code}</itemCode><description>d</description><category>c</category><weightKg>1.000</weightKg><status>active</status></item></GetItemResponse>`;

async function call(respond: (res: ServerResponse) => void): Promise<SourceError> {
  answer = respond;
  const error = await source.operations
    .get('getItem')
    ?.invoke({ itemCode: 'SKU-00001' }, {})
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(isSourceError(error), String(error)).toBe(true);
  return error as SourceError;
}

const xml = (status: number, body: string) => (res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'text/xml' }).end(body);

beforeAll(async () => {
  server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  source = await createSoapSource({
    name: 'erp',
    contract: ERP_WSDL,
    url: `http://127.0.0.1:${port}/erp`,
    maxResponseBytes: 256 * 1024,
    timeoutMs: 1_000,
  });
});

afterAll(async () => {
  await source.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('hostile SOAP responses', () => {
  it('XXE: a DOCTYPE with an external entity is refused before parsing; /etc/passwd never appears', async () => {
    const error = await call(
      xml(
        200,
        `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${envelope(item('&xxe;'))}`,
      ),
    );
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.safeMessage).toMatch(/DOCTYPE/);
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(
      /root:|\/bin\/(ba)?sh/,
    );
  });

  it('billion laughs: entity expansion is refused', async () => {
    const lol = [
      '<!ENTITY lol0 "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`),
    ].join('');
    const error = await call(
      xml(200, `<?xml version="1.0"?><!DOCTYPE lolz [${lol}]>${envelope(item('&lol9;'))}`),
    );
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('an undeclared entity stays literal text, never expanded', async () => {
    answer = xml(200, envelope(item('&lol9;&amp;')));
    expect(await source.operations.get('getItem')?.invoke({ itemCode: 'x' }, {})).toMatchObject({
      itemCode: '&lol9;&',
    });
  });

  it('an oversized response is cut off at maxResponseBytes', async () => {
    const error = await call(xml(200, envelope(item('x'.repeat(300 * 1024)))));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.safeMessage).toMatch(/more than 262144 bytes/);
  });

  it('deep nesting is refused', async () => {
    const error = await call(xml(200, envelope(`${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`)));
    expect(error).toMatchObject({ code: 'SOURCE_BAD_RESPONSE' });
    expect(error.safeMessage).toMatch(/too deeply/);
  });

  it('malformed XML and non-envelopes are clear errors', async () => {
    expect(await call(xml(200, '<s:Envelope xmlns:s="x"><s:Body><oops></s:Body>'))).toMatchObject({
      code: 'SOURCE_BAD_RESPONSE',
    });
    expect(await call(xml(200, '<html><body>hello</body></html>'))).toMatchObject({
      code: 'SOURCE_BAD_RESPONSE',
      safeMessage: expect.stringMatching(/not a SOAP envelope/),
    });
    expect(await call(xml(200, ''))).toMatchObject({ code: 'SOURCE_BAD_RESPONSE' });
  });

  it('HTTP 500 without a fault is SOURCE_UNAVAILABLE with the status; the body is never shown', async () => {
    const error = await call((res) =>
      res
        .writeHead(500, { 'content-type': 'text/html' })
        .end('<h1>stack trace at /srv/secret</h1>'),
    );
    expect(error).toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      retryable: true,
      details: { httpStatus: 500 },
    });
    expect(error.safeMessage).not.toContain('secret');
  });

  it('a fault detail never reaches details; in logDetail it is reduced to text and bounded', async () => {
    const error = await call(
      xml(
        500,
        envelope(
          `<s:Fault><faultcode>s:Client</faultcode><faultstring>bad</faultstring><detail><x>${'y'.repeat(5000)}</x><script>z</script></detail></s:Fault>`,
        ),
      ),
    );
    expect(error.code).toBe('SOURCE_REJECTED');
    expect(error.details).toEqual({ faultcode: 's:Client', httpStatus: 500 });
    expect(String(error.logDetail.detail).length).toBeLessThanOrEqual(2001);
    expect(String(error.logDetail.detail)).not.toMatch(/<(x|script)>/);
  });

  it('a value that breaks the contract is SOURCE_BAD_RESPONSE naming the field, not the value', async () => {
    const error = await call(
      xml(200, envelope(item('A').replace('<status>active</status>', '<status>sabotage</status>'))),
    );
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.safeMessage).toMatch(/status/);
    expect(error.safeMessage).not.toContain('sabotage');
  });

  // Issue 14: a missing required element read as null, and the non-null field then failed as a masked "Unexpected error.".
  it.each([
    ['a required element', '<description>d</description>', 'description'],
    ['a required attribute', ' rowVersion="1"', 'rowVersion'],
  ])(
    'an answer missing %s fails that field with SOURCE_BAD_RESPONSE, naming it',
    async (_what, cut, field) => {
      answer = xml(200, envelope(item('A').replace(cut, '')));
      const value = (await source.operations
        .get('getItem')
        ?.invoke({ itemCode: 'A' }, {})) as Record<string, unknown>;
      expect(value.itemCode).toBe('A');
      const error = value[field] as SourceError;
      expect(isSourceError(error)).toBe(true);
      expect(error.code).toBe('SOURCE_BAD_RESPONSE');
      expect(error.safeMessage).toBe(
        `erp answered getItem without result.item.${field}, which its WSDL requires.`,
      );
    },
  );

  it('an answer missing its required result element is SOURCE_BAD_RESPONSE', async () => {
    const error = await call(
      xml(200, envelope('<GetItemResponse xmlns="http://switchboard.example/erp"/>')),
    );
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.safeMessage).toContain('without result.item,');
  });

  it('a backend that never answers times out', async () => {
    const before = requests;
    const error = await call(() => {});
    expect(error).toMatchObject({ code: 'SOURCE_TIMEOUT', retryable: true });
    expect(requests).toBe(before + 1);
  });
});
