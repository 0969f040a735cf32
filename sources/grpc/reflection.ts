/**
 * A small gRPC server reflection client (v1, falling back to v1alpha): lists
 * the services, fetches the file descriptors that declare them and their
 * imports, and builds the same kind of protobufjs Root a .proto file gives.
 * Written here because no maintained Node package offers a reflection
 * *client* on grpc-js; the protocol's own .proto ships with @grpc/reflection.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import descriptorExt from 'protobufjs/ext/descriptor/index.js';
import { contractUnreadable, reflectionReadReason } from '../common/index.js';
import type { Transport } from './transport.js';

const require = createRequire(import.meta.url);
const REFLECTION_PROTO_DIR = join(
  dirname(require.resolve('@grpc/reflection')),
  '..',
  'proto',
  'grpc',
  'reflection',
);
const VERSIONS = ['v1', 'v1alpha'] as const;

interface ReflectionTypes {
  path: string;
  request: protobuf.Type;
  response: protobuf.Type;
}

let typesMemo: Map<string, ReflectionTypes> | undefined;

function reflectionTypes(version: (typeof VERSIONS)[number]): ReflectionTypes {
  typesMemo ??= new Map();
  let types = typesMemo.get(version);
  if (!types) {
    const root = new protobuf.Root().loadSync(
      join(REFLECTION_PROTO_DIR, version, 'reflection.proto'),
      { keepCase: true },
    );
    types = {
      path: `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      request: root.lookupType(`grpc.reflection.${version}.ServerReflectionRequest`),
      response: root.lookupType(`grpc.reflection.${version}.ServerReflectionResponse`),
    };
    typesMemo.set(version, types);
  }
  return types;
}

interface ReflectionResponse {
  list_services_response?: { service?: Array<{ name?: string }> };
  file_descriptor_response?: { file_descriptor_proto?: Uint8Array[] };
  error_response?: { error_code?: number; error_message?: string };
}

/** One reflection stream: requests are answered in order, one at a time. */
async function withStream<T>(
  transport: Transport,
  types: ReflectionTypes,
  deadlineMs: number,
  run: (ask: (request: Record<string, unknown>) => Promise<ReflectionResponse>) => Promise<T>,
): Promise<T> {
  const call = transport.bidi(types.path, {}, deadlineMs);
  const waiting: Array<{ resolve: (r: ReflectionResponse) => void; reject: (e: unknown) => void }> =
    [];
  let failure: unknown;
  call.on('data', (bytes: Buffer) => {
    const response = types.response.toObject(types.response.decode(bytes), {
      defaults: false,
      arrays: true,
    }) as ReflectionResponse;
    waiting.shift()?.resolve(response);
  });
  call.on('error', (error) => {
    failure = error;
    for (const pending of waiting.splice(0)) pending.reject(error);
  });
  const ask = (request: Record<string, unknown>): Promise<ReflectionResponse> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.push({ resolve, reject });
      call.write(Buffer.from(types.request.encode(types.request.fromObject(request)).finish()));
    });
  try {
    return await run(ask);
  } finally {
    call.end();
    call.cancel();
  }
}

function isUnimplemented(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 12;
}

/** Reads every service the server lists (but reflection itself) into a resolved Root. */
export async function loadReflectedContract(
  source: string,
  transport: Transport,
  deadlineMs: number,
  /** The server's host:port, named in the error when reflection fails. */
  address: string,
): Promise<{ root: protobuf.Root; services: string[] }> {
  let lastError: unknown;
  for (const version of VERSIONS) {
    try {
      return await withStream(transport, reflectionTypes(version), deadlineMs, async (ask) => {
        const listed = await ask({ list_services: '' });
        const services = (listed.list_services_response?.service ?? [])
          .map((service) => service.name ?? '')
          .filter((name) => name !== '' && !name.startsWith('grpc.reflection.'))
          .sort();
        const files = new Map<string, Uint8Array>();
        const add = (response: ReflectionResponse, asked: string): void => {
          if (response.error_response)
            throw new Error(
              `reflection could not describe ${asked} (code ${response.error_response.error_code ?? '?'})`,
            );
          for (const bytes of response.file_descriptor_response?.file_descriptor_proto ?? []) {
            const file = descriptorExt.FileDescriptorProto.decode(bytes) as unknown as {
              name?: string;
            };
            if (file.name && !files.has(file.name)) files.set(file.name, bytes);
          }
        };
        for (const service of services)
          add(await ask({ file_containing_symbol: service }), service);
        // A server may leave out files it already sent; fetch any import still missing.
        for (
          let missing = missingImports(files);
          missing.length > 0;
          missing = missingImports(files)
        ) {
          for (const name of missing) add(await ask({ file_by_filename: name }), name);
        }
        return { root: rootFromFiles(files), services };
      });
    } catch (error) {
      lastError = error;
      if (!isUnimplemented(error)) break;
    }
  }
  const { code } = (lastError ?? {}) as { code?: unknown };
  throw contractUnreadable({
    source,
    location: address,
    reason: reflectionReadReason(typeof code === 'number' ? code : undefined, address),
    cause: lastError,
  });
}

function missingImports(files: ReadonlyMap<string, Uint8Array>): string[] {
  const missing = new Set<string>();
  for (const bytes of files.values()) {
    const file = descriptorExt.FileDescriptorProto.decode(bytes) as unknown as {
      dependency?: string[];
    };
    for (const dependency of file.dependency ?? [])
      if (!files.has(dependency)) missing.add(dependency);
  }
  return [...missing];
}

function rootFromFiles(files: ReadonlyMap<string, Uint8Array>): protobuf.Root {
  // A FileDescriptorSet is its files as repeated field 1, so the set is the files' bytes framed in order.
  const writer = protobuf.Writer.create();
  for (const name of [...files.keys()].sort())
    writer.uint32(10).bytes(files.get(name) as Uint8Array);
  const fromDescriptor = (
    protobuf.Root as unknown as { fromDescriptor(set: Uint8Array): protobuf.Root }
  ).fromDescriptor;
  const root = fromDescriptor(writer.finish());
  root.resolveAll();
  return root;
}
