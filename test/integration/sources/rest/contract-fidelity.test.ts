/**
 * Contract fidelity on the wire (issue 16): each class of operation that
 * converted to a plausible GraphQL field but made a wrong call, served by a
 * mock that validates every request against the same contract and answers
 * from its examples. Each block names its bug; every test asserts both what
 * the backend received and what the caller got.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRestSource } from '../../../../sources/rest/index.js';
import { startGatewayOn, startOpenApiMock, useHarness, type OpenApiMock, type TestGateway } from '../../../harness/index.js';

useHarness();

const fixture = (name: string): string => fileURLToPath(new URL(`../../../fixtures/openapi/${name}`, import.meta.url));

async function serve(name: string, contract: string): Promise<{ mock: OpenApiMock; gateway: TestGateway }> {
  const mock = await startOpenApiMock(fixture(contract));
  const gateway = await startGatewayOn({ sources: [createRestSource({ name, contract: fixture(contract), url: mock.url })], logging: { level: 'silent' } });
  return { mock, gateway };
}

describe('bug: a "#fragment" in a path key was sent in the URL, so the query string after it never reached the backend', () => {
  it('keeps the fragment for naming and sends the path and query without it', async () => {
    const { mock, gateway } = await serve('files', 'fragment-paths.yaml');
    const { body } = await gateway.graphql(`{ files {
      plain: getFilesByFileId(file_id: "12345") { id name }
      link: getFilesByFileIdGetSharedLink(file_id: "12345", fields: SHARED_LINK) { id shared_link }
    } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.files).toEqual({ plain: { id: '12345', name: 'report.pdf' }, link: { id: '12345', shared_link: 'https://files.invalid/s/abc' } });
    const mutation = await gateway.graphql(`mutation { files {
      putFilesByFileIdAddSharedLink(file_id: "12345", fields: SHARED_LINK, input: { shared_link: { access: OPEN } }) { shared_link }
    } }`);
    expect(mutation.body.errors).toBeUndefined();
    expect(mutation.body.data.files.putFilesByFileIdAddSharedLink).toEqual({ shared_link: 'https://files.invalid/s/new' });
    expect(mock.violations()).toEqual([]);
    expect(mock.received.map((r) => r.url).sort()).toEqual(['/files/12345', '/files/12345?fields=shared_link', '/files/12345?fields=shared_link']);
    expect(mock.received.find((r) => r.method === 'PUT')?.body).toEqual({ shared_link: { access: 'open' } });
  });
});
