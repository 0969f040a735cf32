/** `switchboard print-subgraph`: the SDL a contract yields, for review and diffing. */
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { loadSource, type SubgraphRequest } from './load-source.js';
import { EXIT, type CliIo } from './output.js';

/**
 * The source name a contract's file suggests: "billing" for
 * ".../billing.proto", "openapi" for ".../openapi.yaml?x=1"; letters, digits
 * and underscores, starting with a letter, as a GraphQL name must.
 */
export function nameFromContract(location: string): string {
  const path = location.replace(/[?#].*$/, '');
  const file = path.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const stem = file
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (stem === '') return 'api';
  return /^[A-Za-z]/.test(stem) ? stem : `api_${stem}`;
}

export async function printSubgraph(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rest: { type: 'string' },
      soap: { type: 'string' },
      grpc: { type: 'string' },
      include: { type: 'string', multiple: true },
      'grpc-reflect': { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const chosen = (['rest', 'soap', 'grpc', 'grpc-reflect'] as const).filter(
    (flag) => values[flag] !== undefined,
  );
  if (chosen.length !== 1) {
    io.err(
      'switchboard: print-subgraph needs exactly one of --rest, --soap, --grpc or --grpc-reflect.\n',
    );
    return EXIT.usage;
  }
  const [flag] = chosen as [(typeof chosen)[number]];
  const target = values[flag] as string;
  if (flag === 'grpc-reflect' && values.name === undefined) {
    // A server address says nothing a schema could be named after.
    io.err(
      'switchboard: print-subgraph --grpc-reflect needs --name <source name>, e.g. --name billing.\n',
    );
    return EXIT.usage;
  }
  const name = values.name ?? nameFromContract(target);
  const request: SubgraphRequest =
    flag === 'grpc-reflect'
      ? { kind: 'grpc-reflect', name, url: target }
      : flag === 'grpc'
        ? {
            kind: 'grpc',
            name,
            contract: target,
            ...(values.include ? { includeDirs: values.include } : {}),
          }
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
