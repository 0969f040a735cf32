/** `switchboard print-subgraph`: the SDL a contract yields, for review and diffing. */
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { loadSource, type SubgraphRequest } from './load-source.js';
import { EXIT, type CliIo } from './output.js';

export async function printSubgraph(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rest: { type: 'string' },
      soap: { type: 'string' },
      grpc: { type: 'string' },
      include: { type: 'string', multiple: true },
      'grpc-reflect': { type: 'string' },
      name: { type: 'string', default: 'api' },
    },
    strict: true,
    allowPositionals: false,
  });
  const chosen = (['rest', 'soap', 'grpc', 'grpc-reflect'] as const).filter((flag) => values[flag] !== undefined);
  if (chosen.length !== 1) {
    io.err('switchboard: print-subgraph needs exactly one of --rest, --soap, --grpc or --grpc-reflect.\n');
    return EXIT.usage;
  }
  const [flag] = chosen as [(typeof chosen)[number]];
  const target = values[flag] as string;
  const name = values.name ?? 'api';
  const request: SubgraphRequest =
    flag === 'grpc-reflect'
      ? { kind: 'grpc-reflect', name, url: target }
      : flag === 'grpc'
        ? { kind: 'grpc', name, contract: target, ...(values.include ? { includeDirs: values.include } : {}) }
        : { kind: flag, name, contract: target };
  const source = await loadSource(request);
  try {
    for (const warning of source.warnings) io.err(`warning: ${warning.path}: ${warning.message}\n`);
    io.out(`${print(source.typeDefs)}\n`);
    return EXIT.ok;
  } finally {
    await source.close();
  }
}
