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

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/openapi/${name}`, import.meta.url));
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
    ['a missing required query parameter', '/search/7/a,b/x=1,y=2', REQUIRED_HEADERS, 'the required query parameter "q" is missing'],
    ['a path value of the wrong type', '/search/seven/a,b/x=1,y=2?q=tea', REQUIRED_HEADERS, 'path.id: expected integer, got string'],
    ['a query parameter the contract does not have', `${SEARCH}&fields=all`, REQUIRED_HEADERS, 'the query parameter "fields" is not in the contract'],
    ['an enum value outside the list', `${SEARCH}&colors=green`, REQUIRED_HEADERS, 'query.colors[0]: "green" is not one of the enum values'],
    ['a missing required header', SEARCH, { cookie: 'session=s' }, 'the required header parameter "X-Trace-Id" is missing'],
    ['a missing required cookie', SEARCH, { 'x-trace-id': 't' }, 'the required cookie parameter "session" is missing'],
    ['an Accept header the answer cannot meet', SEARCH, { ...REQUIRED_HEADERS, accept: 'text/plain' }, 'Accept "text/plain" admits none of application/json'],
  ])('refuses %s', async (_, path, headers, violation) => {
    const mock = await startOpenApiMock(fixture('param-styles.yaml'));
    const response = await fetch(mock.url + path, { headers });
    expect(response.status).toBe(400);
    expect(mock.violations()).toContain(`search: ${violation}`);
  });

  it('refuses bodies that break the contract: missing, wrong media type, a required property missing, a oneOf member matching no branch', async () => {
    const mock = await startOpenApiMock(fixture('param-styles.yaml'));
    const post = (path: string, body: string, type = 'application/json'): Promise<number> => fetch(mock.url + path, { method: 'POST', body, headers: { 'content-type': type } }).then((r) => r.status);
    expect(await fetch(`${mock.url}/pets`, { method: 'POST' }).then((r) => r.status)).toBe(400);
    expect(await post('/pets', '{}', 'text/plain')).toBe(400);
    expect(await post('/pets', JSON.stringify({ kind: 'dog', name: 'Rex' }))).toBe(400);
    expect(await post('/shapes', JSON.stringify({ radius: 1, side: 2 }))).toBe(400);
    expect(mock.violations()).toEqual([
      'addPet: the required request body is missing',
      'addPet: the body\'s content type text/plain is not one of application/json',
      'addPet: body: the required property "good" is missing',
      'addShape: body: matches 0 of oneOf, expected exactly one',
    ]);
  });

  it('routes a "#fragment" path key by the request that satisfies it, and reports the first when none fits', async () => {
    const mock = await startOpenApiMock(fixture('fragment-paths.yaml'));
    expect((await fetch(`${mock.url}/files/1?fields=shared_link`)).status).toBe(200);
    expect((await fetch(`${mock.url}/files/1`)).status).toBe(200);
    expect((await fetch(`${mock.url}/files/1?fields=other`)).status).toBe(400);
    expect(mock.received.map((r) => r.operation)).toEqual(['GET /files/{file_id}#get_shared_link', 'GET /files/{file_id}', 'GET /files/{file_id}']);
  });
});
