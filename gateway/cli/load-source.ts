/**
 * Builds a source for `print-subgraph` from a contract alone. Each kind's
 * module is imported when asked for, so printing a REST subgraph does not
 * load the gRPC toolchain.
 */
import type { Source } from '../../sources/common/index.js';

/** What `print-subgraph` was asked to read. */
export type SubgraphRequest =
  | { kind: 'rest'; name: string; contract: string }
  | { kind: 'soap'; name: string; contract: string }
  | { kind: 'grpc'; name: string; contract: string; includeDirs?: string[] }
  | { kind: 'grpc-reflect'; name: string; url: string };

export async function loadSource(request: SubgraphRequest): Promise<Source> {
  switch (request.kind) {
    case 'rest': {
      const { createRestSource } = await import('../../sources/rest/index.js');
      return createRestSource({ name: request.name, contract: request.contract });
    }
    case 'soap': {
      const { createSoapSource } = await import('../../sources/soap/index.js');
      return createSoapSource({ name: request.name, contract: request.contract });
    }
    case 'grpc': {
      const { createGrpcSource } = await import('../../sources/grpc/index.js');
      return createGrpcSource({
        name: request.name,
        contract: request.contract,
        ...(request.includeDirs ? { includeDirs: request.includeDirs } : {}),
      });
    }
    case 'grpc-reflect': {
      const { createGrpcSource } = await import('../../sources/grpc/index.js');
      return createGrpcSource({ name: request.name, url: request.url, reflection: true });
    }
  }
}
