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
import {
  startGatewayOn,
  startOpenApiMock,
  useHarness,
  type OpenApiMock,
  type TestGateway,
} from '../../../harness/index.js';

useHarness();

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../fixtures/openapi/${name}`, import.meta.url));

async function serve(
  name: string,
  contract: string,
): Promise<{ mock: OpenApiMock; gateway: TestGateway }> {
  const mock = await startOpenApiMock(fixture(contract));
  const gateway = await startGatewayOn({
    sources: [createRestSource({ name, contract: fixture(contract), url: mock.url })],
    logging: { level: 'silent' },
  });
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
    expect(body.data.files).toEqual({
      plain: { id: '12345', name: 'report.pdf' },
      link: { id: '12345', shared_link: 'https://files.invalid/s/abc' },
    });
    const mutation = await gateway.graphql(`mutation { files {
      putFilesByFileIdAddSharedLink(file_id: "12345", fields: SHARED_LINK, input: { shared_link: { access: OPEN } }) { shared_link }
    } }`);
    expect(mutation.body.errors).toBeUndefined();
    expect(mutation.body.data.files.putFilesByFileIdAddSharedLink).toEqual({
      shared_link: 'https://files.invalid/s/new',
    });
    expect(mock.violations()).toEqual([]);
    expect(mock.received.map((r) => r.url).sort()).toEqual([
      '/files/12345',
      '/files/12345?fields=shared_link',
      '/files/12345?fields=shared_link',
    ]);
    expect(mock.received.find((r) => r.method === 'PUT')?.body).toEqual({
      shared_link: { access: 'open' },
    });
  });
});

/** A type's fields and their nullability, as the gateway's introspection shows them. */
async function fieldsOf(gateway: TestGateway, typeName: string): Promise<Record<string, string>> {
  const { body } = await gateway.graphql(
    `{ __type(name: "${typeName}") { fields { name description type { kind name } } inputFields { name type { kind name } } } }`,
  );
  const type = body.data.__type as {
    fields: Array<{ name: string; type: { kind: string; name: string | null } }> | null;
    inputFields: Array<{ name: string; type: { kind: string; name: string | null } }> | null;
  };
  return Object.fromEntries(
    [...(type.fields ?? []), ...(type.inputFields ?? [])].map((f) => [
      f.name,
      f.type.kind === 'NON_NULL' ? 'required' : `nullable ${f.type.name}`,
    ]),
  );
}

describe('bug: `allOf` of one reference dropped the keywords beside it (required, nullable, description)', () => {
  it('makes the outer `required` fields of a request body non-null, so `{}` never reaches the backend', async () => {
    const { mock, gateway } = await serve('store', 'allof-siblings.yaml');
    const empty = await gateway.graphql('mutation { store { createItem(input: {}) { id } } }');
    expect(empty.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(mock.received).toHaveLength(0);
    const { body } = await gateway.graphql(
      'mutation { store { createItem(input: { name: "bolt", count: 3 }) { id name count parent { name } sibling { name } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.store.createItem).toEqual({
      id: 'it_1',
      name: 'bolt',
      count: 3,
      parent: null,
      sibling: null,
    });
    expect(mock.violations()).toEqual([]);
    expect(mock.received[0]?.body).toEqual({ name: 'bolt', count: 3 });
  });

  it('applies required, nullable and description beside or inside an allOf to answers', async () => {
    const { mock, gateway } = await serve('store', 'allof-siblings.yaml');
    const { body } = await gateway.graphql('{ store { getItem(id: "it_1") { name count note } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.store.getItem).toEqual({ name: 'bolt', count: 3, note: null });
    expect(mock.violations()).toEqual([]);
    expect(await fieldsOf(gateway, 'StoreStoredItem')).toEqual({
      id: 'required',
      name: 'required',
      count: 'required',
      note: 'nullable String',
      parent: 'nullable StoreItem',
      sibling: 'nullable StoreItem',
    });
    expect(await fieldsOf(gateway, 'StoreGetItemResponse')).toMatchObject({
      name: 'required',
      count: 'required',
      note: 'nullable String',
    });
    const described = await gateway.graphql(
      '{ __type(name: "StoreStoredItem") { fields { name description } } }',
    );
    const descriptions = Object.fromEntries(
      (
        described.body.data.__type.fields as Array<{ name: string; description: string | null }>
      ).map((f) => [f.name, f.description]),
    );
    expect(descriptions).toMatchObject({
      parent: 'The item this one belongs to.',
      sibling: 'The next item on the shelf.',
    });
  });
});

describe('bug: a required property that can only be null (`type: "null"`, `const: null`) was typed JSON!, so its null nulled the whole answer', () => {
  it('types null-only properties nullable, in answers and in request bodies', async () => {
    const { mock, gateway } = await serve('events', 'null-types.yaml');
    const { body } = await gateway.graphql(
      '{ events { getEvent(id: "ev_1") { id deleted_at reserved legacy note owner { name } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.events.getEvent).toEqual({
      id: 'ev_1',
      deleted_at: null,
      reserved: null,
      legacy: null,
      note: null,
      owner: null,
    });
    const cleared = await gateway.graphql(
      'mutation { events { clearEvent(id: "ev_1", input: { note: null, label: null }) { id owner { name } } } }',
    );
    expect(cleared.body.errors).toBeUndefined();
    expect(cleared.body.data.events.clearEvent).toEqual({ id: 'ev_1', owner: { name: 'ada' } });
    expect(mock.violations()).toEqual([]);
    expect(mock.received[1]?.body).toEqual({ note: null, label: null });
    expect(await fieldsOf(gateway, 'EventsEvent')).toMatchObject({
      id: 'required',
      deleted_at: 'nullable JSON',
      reserved: 'nullable JSON',
      legacy: 'nullable JSON',
      owner: 'nullable EventsOwner',
    });
  });
});

describe('bug: answers in textual media types beyond text/* were read as JSON and failed at run time', () => {
  it('reads textual answers as String and binary ones as Base64, asking for the declared media type', async () => {
    const source = await createRestSource({ name: 'docs', contract: fixture('text-content.yaml') });
    expect(source.warnings).toEqual([]);
    await source.close();
    const { mock, gateway } = await serve('docs', 'text-content.yaml');
    const { body } = await gateway.graphql(
      '{ docs { streamLogs getNote(id: "n1") getFeed getLegacy downloadFile(id: "f1") getAvatar(id: "a1") } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.docs).toEqual({
      streamLogs: '{"level":"info"}\n{"level":"warn"}\n',
      getNote: 'Remember the milk.',
      getFeed: '<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title></feed>',
      getLegacy: 'plain words',
      downloadFile: Buffer.from('%PDF-1.7 \u00e9', 'utf8').toString('base64'),
      getAvatar: Buffer.from('not really a png', 'utf8').toString('base64'),
    });
    expect(mock.violations()).toEqual([]);
    expect(mock.received).toHaveLength(6);
    expect(await fieldsOf(gateway, 'DocsQuery')).toMatchObject({
      streamLogs: 'nullable String',
      downloadFile: 'nullable Base64',
      getAvatar: 'nullable Base64',
    });
  });
});

describe('bug: operations whose request body is neither JSON nor a form (octet-stream, cbor) were left out', () => {
  it('takes binary bodies as Base64 and sends the bytes, and text bodies as String, each with the declared Content-Type', async () => {
    const source = await createRestSource({
      name: 'blobs',
      contract: fixture('binary-bodies.yaml'),
    });
    expect(source.warnings).toEqual([]);
    expect([...source.operations.keys()].sort()).toEqual([
      'addNote',
      'attach',
      'importOrders',
      'storeDocument',
      'upload',
    ]);
    await source.close();
    const { mock, gateway } = await serve('blobs', 'binary-bodies.yaml');
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    const cbor = Buffer.from('a16161f5', 'hex');
    const { body } = await gateway.graphql(
      `mutation ($bytes: Base64!, $cbor: Base64!) { blobs {
        upload(name: "a.bin", input: $bytes) { id size }
        storeDocument(input: $cbor) { id }
        addNote(input: "Ünïcode note")
        importOrders(input: "<orders/>") { id }
        attach(input: "AQI=") { id }
      } }`,
      { bytes: bytes.toString('base64'), cbor: cbor.toString('base64url') },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.blobs).toEqual({
      upload: { id: 'up_1', size: 4 },
      storeDocument: { id: 'doc_1' },
      addNote: true,
      importOrders: { id: 'imp_1' },
      attach: { id: 'att_1' },
    });
    expect(mock.violations()).toEqual([]);
    const got = Object.fromEntries(
      mock.received.map((r) => [r.operation, { contentType: r.contentType, body: r.body }]),
    );
    expect(got).toEqual({
      upload: { contentType: 'application/octet-stream', body: bytes },
      storeDocument: { contentType: 'application/cbor', body: cbor },
      addNote: { contentType: 'text/plain', body: Buffer.from('Ünïcode note', 'utf8') },
      importOrders: {
        contentType: 'application/vnd.shop.orders+xml',
        body: Buffer.from('<orders/>'),
      },
      attach: { contentType: 'application/octet-stream', body: Buffer.from([1, 2]) },
    });
  });

  it('refuses a binary body that is not Base64 before calling the backend', async () => {
    const { mock, gateway } = await serve('blobs', 'binary-bodies.yaml');
    const { body } = await gateway.graphql(
      'mutation { blobs { storeDocument(input: "not base64!") { id } } }',
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toContain('Base64');
    expect(mock.received).toHaveLength(0);
  });
});
