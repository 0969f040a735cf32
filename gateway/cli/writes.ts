/**
 * `switchboard writes`: the operator's view of the write journal, read
 * from the config as `start` reads it (so the same journal the gateway
 * writes). list | show <id> | replay <id> | discard <id> --reason | audit.
 * The checks and refusals are operator.ts's, shared with the admin API.
 *
 * Exit codes (docs/writes.md): 0 done; 1 the journal, the config or the
 * replay failed; 2 the command line is wrong (WRITE_QUERY_INVALID,
 * WRITE_REASON_REQUIRED); 3 no such write (WRITE_NOT_FOUND); 4 the write
 * may not be replayed or discarded (WRITE_NOT_DEAD_LETTERED,
 * WRITE_REPLAY_UNAVAILABLE).
 */
import { parseArgs } from 'node:util';
import { SwitchboardError } from '../../sources/common/index.js';
import { resolveConfig, type ResolvedConfig } from '../config/index.js';
import {
  auditTrail,
  checkReplayable,
  discardWrite,
  listWrites,
  parseTime,
  parseWriteState,
  replayWrite,
  showWrite,
  type WriteJournal,
  type WriteRunner,
} from '../writes/index.js';
import { openWriteJournal } from '../writes/open.js';
import { loadConfig } from './load-config.js';
import { EXIT, reasonOf, type CliIo } from './output.js';
import { DEFAULT_CONFIG_FILE } from './start.js';
import { auditTable, writeDetail, writesTable } from './writes-format.js';

/** Exit codes beyond EXIT's: the operator's script can tell "no such write" from "not allowed now". */
export const WRITES_EXIT = Object.freeze({ ...EXIT, notFound: 3, refused: 4 });

/** Who an operator's replay or discard is recorded as, in the audit trail. */
export const CLI_ACTOR = 'cli';

const SUBCOMMANDS = ['list', 'show', 'replay', 'discard', 'audit'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

function exitFor(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'WRITE_QUERY_INVALID':
    case 'WRITE_REASON_REQUIRED':
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return WRITES_EXIT.usage;
    case 'WRITE_NOT_FOUND':
      return WRITES_EXIT.notFound;
    case 'WRITE_NOT_DEAD_LETTERED':
    case 'WRITE_REPLAY_UNAVAILABLE':
      return WRITES_EXIT.refused;
    default:
      return WRITES_EXIT.failed;
  }
}

function usageError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' });
}

function limitOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Any digits pass here, so operator.ts refuses a huge limit with its own message (and code).
  if (!/^\d{1,20}$/.test(value))
    throw Object.assign(
      new Error(`--limit should be a whole number, instead got "${value.slice(0, 20)}".`),
      { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' },
    );
  return Number(value);
}

function oneId(positionals: readonly string[], subcommand: string): string {
  if (positionals.length !== 1)
    throw usageError(
      `"writes ${subcommand}" takes one write id, e.g. switchboard writes ${subcommand} 0b9c…`,
    );
  return positionals[0] as string;
}

export async function writes(argv: readonly string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  let asJson = rest.includes('--json');
  try {
    if (subcommand === undefined || !(SUBCOMMANDS as readonly string[]).includes(subcommand)) {
      throw usageError(
        `"writes" needs one of ${SUBCOMMANDS.join(', ')}${subcommand === undefined ? '' : `, instead got "${subcommand.slice(0, 40)}"`}. Run "switchboard --help".`,
      );
    }
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        config: { type: 'string', default: DEFAULT_CONFIG_FILE },
        json: { type: 'boolean', default: false },
        state: { type: 'string', multiple: true },
        limit: { type: 'string' },
        before: { type: 'string' },
        reason: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        write: { type: 'string' },
        partner: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    asJson = values.json === true;
    const now = Date.now();
    const print = (value: unknown, human: () => string): void =>
      io.out(asJson ? `${JSON.stringify(value, null, 2)}\n` : human());
    // Arguments first: a wrong --state or --limit costs no config load and no database.
    const states = values.state
      ?.flatMap((list) => list.split(','))
      .filter((state) => state.length > 0)
      .map(parseWriteState);
    const limit = limitOf(values.limit);
    const command = subcommand as Subcommand;
    const takesId = command === 'show' || command === 'replay' || command === 'discard';
    if (!takesId && positionals.length > 0)
      throw usageError(
        `"writes ${command}" takes no positional argument, instead got "${(positionals[0] ?? '').slice(0, 40)}".`,
      );
    const id = takesId ? oneId(positionals, command) : '';

    const resolved = await resolveConfig(await loadConfig(values.config ?? DEFAULT_CONFIG_FILE));
    let journal: WriteJournal | undefined;
    try {
      journal = await openWriteJournal(resolved.writes);
      switch (command) {
        case 'list': {
          const found = await listWrites(journal, {
            ...(states === undefined ? {} : { states }),
            ...(limit === undefined ? {} : { limit }),
            ...(values.before === undefined
              ? {}
              : { before: parseTime(values.before, now, 'before') }),
          });
          print(found, () => writesTable(found));
          return WRITES_EXIT.ok;
        }
        case 'show': {
          const write = await showWrite(journal, id);
          print(write, () => writeDetail(write));
          return WRITES_EXIT.ok;
        }
        case 'discard': {
          const write = await discardWrite(journal, id, CLI_ACTOR, values.reason);
          print(
            write,
            () =>
              `Write ${write.id} is discarded: ${JSON.stringify(write.reason)} (recorded in the audit trail as done by "${CLI_ACTOR}").\n`,
          );
          return WRITES_EXIT.ok;
        }
        case 'audit': {
          const entries = await auditTrail(journal, {
            ...(values.since === undefined ? {} : { since: parseTime(values.since, now, 'since') }),
            ...(values.until === undefined ? {} : { until: parseTime(values.until, now, 'until') }),
            ...(values.write === undefined ? {} : { writeId: values.write }),
            ...(values.partner === undefined ? {} : { partner: values.partner }),
            ...(limit === undefined ? {} : { limit }),
          });
          print(entries, () => auditTable(entries));
          return WRITES_EXIT.ok;
        }
        case 'replay': {
          const write = await replay(resolved, journal, id);
          print(
            write,
            () =>
              `Write ${write.id} was replayed and is now ${write.state}.${write.reason === null ? '' : ` ${write.reason}`}\n${writeDetail(write)}`,
          );
          // Replayed, but parked again: the operator's script must not read that as done.
          return write.state === 'dead-lettered' ? WRITES_EXIT.failed : WRITES_EXIT.ok;
        }
        default:
          return command satisfies never;
      }
    } finally {
      await journal?.close();
      await Promise.allSettled(resolved.sources.map((source) => source.close()));
    }
  } catch (error) {
    const code = error instanceof SwitchboardError ? error.code : undefined;
    io.err(
      asJson
        ? `${JSON.stringify({ error: { code: code ?? 'USAGE', message: error instanceof SwitchboardError ? error.safeMessage : reasonOf(error) } })}\n`
        : `switchboard: ${reasonOf(error)}\n`,
    );
    return exitFor(error);
  }
}

/**
 * Replay needs the sources, so the gateway is built from the config
 * (nothing listens) and its runner drives the write. The id and the state
 * are checked first, on the journal alone: a wrong id costs no gateway.
 */
async function replay(
  resolved: ResolvedConfig,
  journal: WriteJournal,
  id: string,
): Promise<Awaited<ReturnType<WriteRunner['replay']>>> {
  await checkReplayable(journal, id);
  const { createGateway } = await import('../server.js');
  const gateway = await createGateway(resolved);
  try {
    return await replayWrite({ journal, runner: gateway.writes?.runner }, id, CLI_ACTOR);
  } finally {
    await gateway.close();
  }
}
