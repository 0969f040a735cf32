/**
 * The CLI's entry: picks the command and maps failures to exit codes.
 * node:util parseArgs covers our few flags; a CLI framework would add nothing.
 */
import { EXIT, processIo, reasonOf, type CliIo } from './output.js';
import { printSubgraph } from './print-subgraph.js';
import { start } from './start.js';
import { USAGE } from './usage.js';

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(USAGE);
    return EXIT.ok;
  }
  try {
    switch (command) {
      case 'start':
        return await start(rest, io);
      case 'check': {
        // Loaded on demand: composition is only needed here, and `start` / `print-subgraph` should not pay for it.
        const { check } = await import('./check.js');
        return await check(rest, io);
      }
      case 'print-subgraph':
        return await printSubgraph(rest, io);
      case 'token':
      case 'keys': {
        const commands = await import('./token.js');
        return await (command === 'token' ? commands.token : commands.keys)(rest, io);
      }
      case 'writes': {
        // On demand, like check: the journal's drivers are only loaded here.
        const { writes } = await import('./writes.js');
        return await writes(rest, io);
      }
      default:
        io.err(
          `switchboard: unknown command "${command.slice(0, 40)}". Run "switchboard --help".\n`,
        );
        return EXIT.usage;
    }
  } catch (error) {
    io.err(`switchboard: ${reasonOf(error)}\n`);
    return (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
      (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
      (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
      ? EXIT.usage
      : EXIT.failed;
  }
}
