/**
 * The OpenAPI mock must be able to fail: each way a request can break its
 * contract is sent by hand (undici, no gateway) and must be answered 400 and
 * recorded as a violation; a conforming request must not be.
 */
import { fileURLToPath } from 'node:url';
import { fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { startOpenApiMock, useHarness } from '../../harness/index.js';

useHarness();

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/openapi/${name}`, import.meta.url));
const SEARCH = '/search/7/a,b/x=1,y=2?q=tea';
const REQUIRED_HEADERS = { 'x-trace-id': 't', cookie: 'session=s' };

describe('the OpenAPI mock', () => {
  it('accepts a conforming request and answers the documented example', async () => {
    const mock = await startOpenApiMock(fixture('param-styles.yaml'));
    const response = await fetch(mock.url + SEARCH, { headers: REQUIRED_HEADERS });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { pets: unknown[] }).pets).toHaveLength(2);
    expect(mock.violations()).toEqual([]);
  });

  it.each([
    [
      'a missing required query parameter',
      '/search/7/a,b/x=1,y=2',
      REQUIRED_HEADERS,
      'the required query parameter "q" is missing',
    ],
    [
      'a path value of the wrong type',
      '/search/seven/a,b/x=1,y=2?q=tea',
      REQUIRED_HEADERS,
      'path.id: must be integer (got string)',
    ],
    [
      'a query parameter the contract does not have',
      `${SEARCH}&fields=all`,
      REQUIRED_HEADERS,
      'the query parameter "fields" is not in the contract',
    ],
    [
      'an enum value outside the list',
      `${SEARCH}&colors=green`,
      REQUIRED_HEADERS,
      'query.colors/0: must be equal to one of the allowed values ("red", "dark-blue")',
    ],
    [
      'a missing required header',
      SEARCH,
      { cookie: 'session=s' },
      'the required header parameter "X-Trace-Id" is missing',
    ],
    [
      'a missing required cookie',
      SEARCH,
      { 'x-trace-id': 't' },
      'the required cookie parameter "session" is missing',
    ],
    [
      'an Accept header the answer cannot meet',
      SEARCH,
      { ...REQUIRED_HEADERS, accept: 'text/plain' },
      'Accept "text/plain" admits none of application/json',
    ],
  ])('refuses %s', async (_, path, headers, violation) => {
    const mock = await startOpenApiMock(fixture('param-styles.yaml'));
    const response = await fetch(mock.url + path, { headers });
    expect(response.status).toBe(400);
    expect(mock.violations()).toContain(`search: ${violation}`);
  });

  it('refuses bodies that break the contract: missing, wrong media type, a required property missing, a discriminator naming no member, a oneOf member matching no branch', async () => {
    const mock = await startOpenApiMock(fixture('param-styles.yaml'));
    const post = (path: string, body: string, type = 'application/json'): Promise<number> =>
      fetch(mock.url + path, { method: 'POST', body, headers: { 'content-type': type } }).then(
        (r) => r.status,
      );
    expect(await fetch(`${mock.url}/pets`, { method: 'POST' }).then((r) => r.status)).toBe(400);
    expect(await post('/pets', '{}', 'text/plain')).toBe(400);
    expect(await post('/pets', JSON.stringify({ kind: 'dog', name: 'Rex' }))).toBe(400);
    expect(await post('/pets', JSON.stringify({ kind: 'cow', name: 'Daisy' }))).toBe(400);
    expect(await post('/shapes', JSON.stringify({ radius: 1, side: 2 }))).toBe(400);
    expect(mock.violations()).toEqual([
      'addPet: the required request body is missing',
      "addPet: the body's content type text/plain is not one of application/json",
      "addPet: body: must have required property 'good'",
      'addPet: body/kind: must be equal to one of the allowed values ("cat", "dog")',
      'addShape: body: must NOT have additional properties ("side")',
      'addShape: body: must NOT have additional properties ("radius")',
      'addShape: body: must match exactly one schema in oneOf',
    ]);
  });

  it('reads OpenAPI 3.0 schemas as OpenAPI means them: readOnly, nullable beside allOf, boolean exclusiveMinimum, annotations, extensions, formats', async () => {
    const mock = await startOpenApiMock(fixture('mock-keywords.yaml'));
    const post = (body: unknown): Promise<number> =>
      fetch(`${mock.url}/items`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }).then((r) => r.status);
    // The required readOnly "id" is not asked of a request; an unknown format passes; "x-note" is a property, not an extension.
    expect(
      await post({
        name: 'bolt',
        price: 1,
        madeAt: '2026-01-01T00:00:00Z',
        sku: 'any',
        parent: null,
        'x-note': 'n',
      }),
    ).toBe(201);
    expect(await post({ name: 'nut', price: 0.5, parent: { name: 'bolt' } })).toBe(201);
    expect(mock.violations()).toEqual([]);
    expect(
      await post({
        id: 'it_1',
        name: '',
        price: 0,
        madeAt: 'yesterday',
        parent: {},
        'x-note': 5,
        extra: true,
      }),
    ).toBe(400);
    expect(mock.violations()).toEqual([
      'addItem: body: must NOT have additional properties ("extra")',
      'addItem: body/id: a readOnly property was sent',
      'addItem: body/name: must NOT have fewer than 1 characters',
      'addItem: body/price: must be > 0',
      'addItem: body/madeAt: must match format "date-time"',
      "addItem: body/parent: must have required property 'name'",
      'addItem: body/x-note: must be string (got number)',
    ]);
  });

  it('says so when a schema has a keyword no JSON Schema knows, rather than passing everything', async () => {
    const mock = await startOpenApiMock(fixture('mock-keywords.yaml'));
    const response = await fetch(`${mock.url}/typo`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(mock.violations()).toEqual([
      'typo: body: the mock cannot check this schema: strict mode: unknown keyword: "requried"',
    ]);
  });

  it('reads OpenAPI 3.1 schemas as JSON Schema 2020-12', async () => {
    const mock = await startOpenApiMock(fixture('null-types.yaml'));
    const patch = (body: unknown): Promise<number> =>
      fetch(`${mock.url}/events/ev_1`, {
        method: 'PATCH',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }).then((r) => r.status);
    expect(await patch({ note: null, label: 'x' })).toBe(200);
    expect(await patch({ note: 'x', label: 1 })).toBe(400);
    expect(mock.violations()).toEqual([
      'clearEvent: body/note: must be null (got string)',
      'clearEvent: body/label: must be string,null (got number)',
    ]);
  });

  it('routes a "#fragment" path key by the request that satisfies it, and reports the first when none fits', async () => {
    const mock = await startOpenApiMock(fixture('fragment-paths.yaml'));
    expect((await fetch(`${mock.url}/files/1?fields=shared_link`)).status).toBe(200);
    expect((await fetch(`${mock.url}/files/1`)).status).toBe(200);
    expect((await fetch(`${mock.url}/files/1?fields=other`)).status).toBe(400);
    expect(mock.received.map((r) => r.operation)).toEqual([
      'GET /files/{file_id}#get_shared_link',
      'GET /files/{file_id}',
      'GET /files/{file_id}',
    ]);
  });
});
