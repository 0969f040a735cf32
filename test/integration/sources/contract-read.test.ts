/**
 * Contract read errors say why, in the same words for REST, SOAP and gRPC
 * (issue 13): a missing file names its path, a refused connection or an
 * HTTP 404 names the URL, refused reflection names the address. Real
 * sockets: a node:http server that answers 404, a gRPC server without the
 * reflection service, and a port nothing listens on.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../harness/index.js';
import type { ContractError } from '../../../sources/common/index.js';
import { createGrpcSource } from '../../../sources/grpc/index.js';
import { createRestSource } from '../../../sources/rest/index.js';
import { createSoapSource } from '../../../sources/soap/index.js';

let notFound: Server;
let notFoundUrl: string;
let notFoundRequests = 0;
let noReflection: grpc.Server;
let noReflectionAddress: string;
let closedAddress: string;

async function refusal(pending: Promise<unknown>): Promise<ContractError> {
  const error = await pending.then(
    () => {
      throw new Error('expected the source to be refused');
    },
    (caught: unknown) => caught as ContractError,
  );
  expect(error.code).toBe('CONTRACT_UNREADABLE');
  return error;
}

beforeAll(async () => {
  notFound = createServer((request, response) => {
    notFoundRequests += 1;
    response.writeHead(404, { 'content-type': 'text/plain' }).end('no such contract');
  });
  await new Promise<void>((done) => notFound.listen(0, '127.0.0.1', done));
  notFoundUrl = `http://127.0.0.1:${(notFound.address() as { port: number }).port}`;
  noReflection = new grpc.Server();
  const port = await new Promise<number>((done, fail) =>
    noReflection.bindAsync(
      '127.0.0.1:0',
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? fail(error) : done(bound)),
    ),
  );
  noReflectionAddress = `127.0.0.1:${port}`;
  const [closed] = await freePorts(1);
  closedAddress = `127.0.0.1:${closed}`;
});

afterAll(async () => {
  await new Promise((done) => notFound?.close(done));
  noReflection?.forceShutdown();
});

describe('a contract that cannot be read says why, in one wording for every kind', () => {
  it('a missing file names its path', async () => {
    const missing = join(import.meta.dirname, 'nope');
    const errors = await Promise.all([
      refusal(createRestSource({ name: 'shop', contract: `${missing}/openapi.yaml` })),
      refusal(createSoapSource({ name: 'erp', contract: `${missing}/erp.wsdl` })),
      refusal(createGrpcSource({ name: 'billing', contract: `${missing}/billing.proto` })),
    ]);
    expect(errors.map((error) => error.safeMessage)).toEqual([
      `The contract of shop could not be read: ${missing}/openapi.yaml was not found.`,
      `The contract of erp could not be read: ${missing}/erp.wsdl was not found.`,
      `The contract of billing could not be read: ${missing}/billing.proto was not found.`,
    ]);
    expect(errors.map((error) => error.location)).toEqual([
      `${missing}/openapi.yaml`,
      `${missing}/erp.wsdl`,
      `${missing}/billing.proto`,
    ]);
  });

  it('a refused connection names the URL or address, without credentials or query', async () => {
    const url = `http://user:secret@${closedAddress}/contract`;
    const errors = await Promise.all([
      refusal(createRestSource({ name: 'shop', contract: `${url}/openapi.yaml?token=t0ps3cret` })),
      refusal(createSoapSource({ name: 'erp', contract: `${url}/erp.wsdl?token=t0ps3cret` })),
      refusal(createGrpcSource({ name: 'billing', url: closedAddress, reflection: true })),
    ]);
    const shown = `http://${closedAddress}/contract`;
    expect(errors.map((error) => error.safeMessage)).toEqual([
      `The contract of shop could not be read: the connection to ${shown}/openapi.yaml was refused.`,
      `The contract of erp could not be read: the connection to ${shown}/erp.wsdl was refused.`,
      `The contract of billing could not be read: the connection to ${closedAddress} for gRPC server reflection was refused.`,
    ]);
    for (const error of errors) expect(JSON.stringify(error)).not.toMatch(/secret|t0ps3cret/);
  });

  it('an HTTP 404 names the URL; reflection a server does not offer names the address', async () => {
    notFoundRequests = 0;
    const errors = await Promise.all([
      refusal(createRestSource({ name: 'shop', contract: `${notFoundUrl}/openapi.yaml` })),
      refusal(createSoapSource({ name: 'erp', contract: `${notFoundUrl}/erp.wsdl` })),
      refusal(createGrpcSource({ name: 'billing', url: noReflectionAddress, reflection: true })),
    ]);
    expect(errors.map((error) => error.safeMessage)).toEqual([
      `The contract of shop could not be read: ${notFoundUrl}/openapi.yaml answered HTTP 404.`,
      `The contract of erp could not be read: ${notFoundUrl}/erp.wsdl answered HTTP 404.`,
      `The contract of billing could not be read: gRPC server reflection was refused by ${noReflectionAddress} (it does not offer it).`,
    ]);
    expect(notFoundRequests).toBe(2); // one GET per contract, no retry of a 404
  });
});
