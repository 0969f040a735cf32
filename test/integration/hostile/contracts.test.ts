/**
 * Issue 14 "Contracts": hostile contracts served over real HTTP, or written
 * to a temporary folder, try to make the gateway load documents from other
 * origins, link-local / metadata addresses and local files. Each is refused
 * with CONTRACT_LOCATION_REFUSED naming the location, and the other server
 * receives no request; `contractAllow` lets a trusted location in.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../../sources/common/index.js';
import { createGrpcSource } from '../../../sources/grpc/index.js';
import { createRestSource } from '../../../sources/rest/index.js';
import { createSoapSource } from '../../../sources/soap/index.js';

/** A real HTTP server answering documents by path, counting requests. */
interface DocServer {
  url: string;
  documents: Map<string, string>;
  requests: string[];
  server: Server;
}

async function serveDocuments(host: string): Promise<DocServer> {
  const documents = new Map<string, string>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = documents.get((req.url ?? '').split('?')[0] ?? '');
    if (body === undefined) res.writeHead(404).end();
    else
      res
        .writeHead(200, { 'content-type': body.startsWith('<') ? 'text/xml' : 'application/yaml' })
        .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://${host}:${(server.address() as { port: number }).port}`,
    documents,
    requests,
    server,
  };
}

let home: DocServer; // where the contract is served: 127.0.0.1
let elsewhere: DocServer; // another origin: "localhost" is not "127.0.0.1"
let folder: string;

beforeAll(async () => {
  home = await serveDocuments('127.0.0.1');
  elsewhere = await serveDocuments('localhost');
  folder = await mkdtemp(join(tmpdir(), 'switchboard-contracts-'));
});

afterAll(async () => {
  for (const { server } of [home, elsewhere]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await rm(folder, { recursive: true, force: true });
});

async function refusal(build: Promise<unknown>): Promise<ContractError> {
  const error = await build.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractError);
  return error as ContractError;
}

const XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" elementFormDefault="qualified"><xs:element name="Ping"><xs:complexType><xs:sequence><xs:element name="x" type="xs:string"/></xs:sequence></xs:complexType></xs:element><xs:element name="PingResponse"><xs:complexType><xs:sequence><xs:element name="y" type="xs:string"/></xs:sequence></xs:complexType></xs:element></xs:schema>`;

function wsdl(schemaLocation: string): string {
  return `<?xml version="1.0"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:t" targetNamespace="urn:t">
  <types><xs:schema targetNamespace="urn:t"><xs:import namespace="urn:t" schemaLocation="${schemaLocation}"/></xs:schema></types>
  <message name="PingIn"><part name="p" element="tns:Ping"/></message>
  <message name="PingOut"><part name="p" element="tns:PingResponse"/></message>
  <portType name="P"><operation name="GetPing"><input message="tns:PingIn"/><output message="tns:PingOut"/></operation></portType>
  <binding name="B" type="tns:P"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="GetPing"><soap:operation soapAction="ping"/><input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation></binding>
  <service name="S"><port name="Port" binding="tns:B"><soap:address location="http://127.0.0.1:9/soap"/></port></service>
</definitions>`;
}

describe('WSDL imports (issue 14)', () => {
  it.each([
    ['another origin', () => `${elsewhere.url}/types.xsd`, /not on the contract's own origin/],
    [
      'a cloud metadata address',
      () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      /link-local or cloud metadata/,
    ],
    [
      'the metadata host by name',
      () => 'http://metadata.google.internal/computeMetadata/v1/',
      /link-local or cloud metadata/,
    ],
    ['an IPv6 link-local address', () => 'http://[fe80::1]/x.xsd', /link-local or cloud metadata/],
    [
      'a local file, from a remote WSDL',
      () => 'file:///etc/passwd',
      /remote document may not name a local file/,
    ],
    ['another scheme', () => 'ftp://127.0.0.1/x.xsd', /scheme ftp: is not loaded/],
  ])(
    'a remote WSDL importing %s is refused, naming the location; nothing is fetched from it',
    async (_name, location, why) => {
      const target = location();
      home.documents.set('/service.wsdl', wsdl(target));
      elsewhere.requests.length = 0;
      const error = await refusal(
        createSoapSource({ name: 'hostile', contract: `${home.url}/service.wsdl` }),
      );
      expect(error.code).toBe('CONTRACT_LOCATION_REFUSED');
      expect(error.location).toBe(target);
      expect(error.safeMessage).toMatch(why);
      expect(error.safeMessage).toContain(target);
      expect(elsewhere.requests).toEqual([]);
    },
  );

  it('the same origin is loaded; another origin is loaded once contractAllow lists it', async () => {
    home.documents.set('/types.xsd', XSD);
    home.documents.set('/service.wsdl', wsdl('types.xsd'));
    const own = await createSoapSource({ name: 'own', contract: `${home.url}/service.wsdl` });
    expect([...own.operations.keys()]).toEqual(['getPing']);
    await own.close();
    elsewhere.documents.set('/shared/types.xsd', XSD);
    home.documents.set('/service.wsdl', wsdl(`${elsewhere.url}/shared/types.xsd`));
    elsewhere.requests.length = 0;
    const allowed = await createSoapSource({
      name: 'allowed',
      contract: `${home.url}/service.wsdl`,
      contractAllow: [`${elsewhere.url}/shared/`],
    });
    expect([...allowed.operations.keys()]).toEqual(['getPing']);
    expect(elsewhere.requests).toEqual(['/shared/types.xsd']);
    await allowed.close();
  });

  it('a metadata address stays refused even when contractAllow lists it', async () => {
    home.documents.set('/service.wsdl', wsdl('http://169.254.169.254/x.xsd'));
    const error = await refusal(
      createSoapSource({
        name: 'hostile',
        contract: `${home.url}/service.wsdl`,
        contractAllow: ['http://169.254.169.254/'],
      }),
    );
    expect(error.code).toBe('CONTRACT_LOCATION_REFUSED');
  });

  it('a local WSDL importing a file outside its folder is refused', async () => {
    const dir = join(folder, 'wsdl');
    await mkdir(dir, { recursive: true });
    await writeFile(join(folder, 'outside.xsd'), XSD);
    await writeFile(join(dir, 'service.wsdl'), wsdl('../outside.xsd'));
    const error = await refusal(
      createSoapSource({ name: 'hostile', contract: join(dir, 'service.wsdl') }),
    );
    expect(error).toMatchObject({
      code: 'CONTRACT_LOCATION_REFUSED',
      safeMessage: expect.stringMatching(/outside the contract's folder/),
    });
    const allowed = await createSoapSource({
      name: 'allowed',
      contract: join(dir, 'service.wsdl'),
      contractAllow: [folder],
    });
    expect(allowed.operations.size).toBe(1);
  });
});

const openapi = (ref: string): string => `openapi: 3.0.3
info: { title: t, version: '1' }
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content: { application/json: { schema: { $ref: '${ref}' } } }
`;

describe('OpenAPI $refs (issue 14)', () => {
  it.each([
    ['another origin', () => `${elsewhere.url}/schemas.yaml#/Thing`],
    ['a cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/#/x'],
    ['a local file, from a remote contract', () => 'file:///etc/passwd#/x'],
  ])(
    'a remote contract referring to %s is refused, naming it; nothing is fetched from it',
    async (_name, ref) => {
      home.documents.set('/openapi.yaml', openapi(ref()));
      elsewhere.requests.length = 0;
      const error = await refusal(
        createRestSource({ name: 'hostile', contract: `${home.url}/openapi.yaml` }),
      );
      expect(error.code).toBe('CONTRACT_LOCATION_REFUSED');
      expect(error.safeMessage).toContain(ref().split('#')[0]);
      expect(elsewhere.requests).toEqual([]);
    },
  );

  it('a local contract referring outside its folder, by .. or an absolute path, is refused; contractAllow lets a folder in', async () => {
    const dir = join(folder, 'openapi');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(folder, 'shared.yaml'),
      'Thing: { type: object, properties: { id: { type: string } } }\n',
    );
    for (const ref of ['../shared.yaml#/Thing', '/etc/passwd#/x']) {
      await writeFile(join(dir, 'openapi.yaml'), openapi(ref));
      const error = await refusal(
        createRestSource({ name: 'hostile', contract: join(dir, 'openapi.yaml') }),
      );
      expect(error.code).toBe('CONTRACT_LOCATION_REFUSED');
    }
    await writeFile(join(dir, 'openapi.yaml'), openapi('../shared.yaml#/Thing'));
    const allowed = await createRestSource({
      name: 'allowed',
      contract: join(dir, 'openapi.yaml'),
      contractAllow: [folder],
    });
    expect(allowed.warnings).toEqual([]);
  });
});

describe('proto imports (issue 14)', () => {
  it('an import that climbs out of the include dirs, or is absolute, is refused naming it', async () => {
    const dir = join(folder, 'proto', 'api');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(folder, 'secret.proto'),
      'syntax = "proto3"; package s; message S { string x = 1; }\n',
    );
    for (const target of ['../../secret.proto', join(folder, 'secret.proto')]) {
      await writeFile(
        join(dir, 'api.proto'),
        `syntax = "proto3"; package a; import "${target}"; service A { rpc GetA (s.S) returns (s.S); }\n`,
      );
      const error = await refusal(
        createGrpcSource({
          name: 'hostile',
          contract: join(dir, 'api.proto'),
          includeDirs: [join(folder, 'proto')],
        }),
      );
      expect(error.code).toBe('CONTRACT_LOCATION_REFUSED');
      expect(error.safeMessage).toContain('secret.proto');
    }
  });

  it('an import found in no include dir is unreadable, never read relative to the working directory', async () => {
    const dir = join(folder, 'proto2');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'api.proto'),
      'syntax = "proto3"; package a; import "package.json"; service A { rpc GetA (M) returns (M); } message M {}\n',
    );
    const error = await refusal(
      createGrpcSource({ name: 'hostile', contract: join(dir, 'api.proto') }),
    );
    expect(error).toMatchObject({
      code: 'CONTRACT_UNREADABLE',
      safeMessage: expect.stringMatching(/package.json" was found in none of the include dirs/),
    });
  });
});
