/** `switchboard print-subgraph`: the SDL a contract yields, for review and diffing. */
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { loadSource, type SourceKindFlag } from './load-source.js';
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
  let kind: SourceKindFlag;
  let options: Record<string, unknown>;
  if (flag === 'grpc-reflect') {
    kind = 'grpc';
    options = { name, url: target, reflection: true };
  } else {
    kind = flag;
    options = { name, contract: target, ...(flag === 'grpc' && values.include ? { includeDirs: values.include } : {}) };
  }
  const source = await loadSource(kind, options);
  try {
    for (const warning of source.warnings) io.err(`warning: ${warning.path}: ${warning.message}\n`);
    io.out(`${print(source.typeDefs)}\n`);
    return EXIT.ok;
  } finally {
    await source.close();
  }
}
