/**
 * `switchboard writes` over a real journal (SQLite file; PostgreSQL server)
 * seeded through the journal's API. The command runs in this process
 * (runCli, as bin/switchboard.js calls it); the exit codes 2, 3 and 4 and an
 * unreachable journal also go through the real bin, spawned.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresJournal,
  createSqliteJournal,
  type WriteJournal,
} from '../../../../gateway/writes/index.js';
import {
  freePorts,
  REPO_ROOT as ROOT,
  runCli,
  spawnCli,
  startPostgresDatabase,
  useHarness,
  type CliRun as Run,
} from '../../../harness/index.js';
import { seedJournal, type Seeded } from './operator-seed.js';

useHarness();

const scratch = mkdtempSync(join(tmpdir(), 'switchboard-writes-cli-'));
writeFileSync(join(scratch, 'package.json'), '{ "type": "module" }\n');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `switchboard writes <args> --config <config>`, in this process. */
function cli(config: string, ...args: string[]): Promise<Run> {
  return runCli(['writes', ...args, '--config', config]);
}

/** The same through the real bin, spawned. */
function spawned(config: string, ...args: string[]): Promise<Run> {
  return spawnCli(['writes', ...args, '--config', config]);
}

/** A config with one source (never called: these commands read the journal only) and the journal the test chose. */
function writeConfig(name: string, writes: string): string {
  const file = join(scratch, `${name}.config.ts`);
  const at = (path: string): string => JSON.stringify(join(ROOT, path));
  writeFileSync(
    file,
    `import { defineConfig } from ${at('gateway/index.ts')};
import { createRestSource } from ${at('sources/rest/index.ts')};
export default defineConfig({
  sources: [createRestSource({ name: 'storefront', contract: ${at('demo/storefront/openapi.yaml')}, url: 'http://127.0.0.1:9' })],
  writes: ${writes},
  logging: { level: 'silent' },
});
`,
  );
  return file;
}

const json = <T = any>(run: Run): T => JSON.parse(run.stdout) as T;

// Some tests spawn the CLI; the limit guards against a hang on a loaded machine, it times nothing.
describe('switchboard writes on SQLite', { timeout: 600_000 }, () => {
  let config: string;
  let seeded: Seeded;
  let journal: WriteJournal;

  beforeAll(async () => {
    const path = join(scratch, 'journal.db');
    journal = await createSqliteJournal({ path });
    seeded = await seedJournal(journal);
    config = writeConfig('sqlite', `{ journal: 'sqlite', sqlitePath: ${JSON.stringify(path)} }`);
  });
  afterAll(async () => journal?.close());

  it('lists the writes newest first as a table, and the dead letters alone with --state', async () => {
    const all = await cli(config, 'list');
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+STATE\s+MUTATION\s+CALLER\s+PARTNER\s+CREATED\s+STEPS\s+REASON$/,
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain(seeded.hostileDeadLetter.id);
    expect(lines[4]).toMatch(
      new RegExp(`^${seeded.succeeded.id}\\s+succeeded\\s+placeOrder\\s+tok_acme_01\\s+acme\\s`),
    );
    expect(all.stdout).toContain('storefront:succeeded erp:unknown billing:pending');

    // A stored reason cannot drive the terminal: escape sequences are shown as \u escapes.
    expect(all.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(all.stdout).toContain('evil \\u001b]0;pwned\\u0007 reason');

    // The other spellings of the state are in test/unit/gateway/writes-operator.test.ts.
    const dead = json<Array<{ id: string; state: string }>>(
      await cli(config, 'list', '--state', 'dead_letter', '--json'),
    );
    expect(dead.map((write) => write.id)).toEqual([
      seeded.hostileDeadLetter.id,
      seeded.globexDeadLetter.id,
      seeded.acmeDeadLetter.id,
    ]);
    const two = json<unknown[]>(
      await cli(config, 'list', '--state', 'succeeded,dead-lettered', '--limit', '2', '--json'),
    );
    expect(two).toHaveLength(2);
  });

  it('shows a write with its plan and steps, and the same as JSON', async () => {
    const shown = await cli(config, 'show', seeded.acmeDeadLetter.id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Write ${seeded.acmeDeadLetter.id}`);
    expect(shown.stdout).toMatch(/state\s+dead-lettered/);
    expect(shown.stdout).toMatch(/caller\s+tok_acme_01 \(partner acme\), request req-acme-2/);
    expect(shown.stdout).toMatch(/1\. erp\.createSalesOrder\s+unknown, 1 attempt/);
    expect(shown.stdout).toContain('SOURCE_TIMEOUT: erp did not answer within 2000 ms');
    expect(shown.stdout).toContain(`key swb-${seeded.acmeDeadLetter.id}-1-do`);
    const asJson = json(await cli(config, 'show', seeded.acmeDeadLetter.id, '--json'));
    expect(asJson).toEqual(JSON.parse(JSON.stringify(await journal.get(seeded.acmeDeadLetter.id))));
  });

  it('never lets a stored value drive the terminal: escape sequences are shown as \\u escapes', async () => {
    const shown = await cli(config, 'show', seeded.hostileDeadLetter.id);
    expect(shown.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(shown.stdout).toContain('evil \\u001b]0;pwned\\u0007 reason');
    expect(shown.stdout).toContain('storefront said \\u001b[31mno\\u001b[0m');
  });

  it("reads the audit trail: who (token id, partner; never a token), what, when, each system's outcome; by partner, write and time", async () => {
    const trail = await cli(config, 'audit', '--partner', 'acme');
    expect(trail.code).toBe(0);
    const lines = trail.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^TIME\s+WRITE\s+MUTATION\s+CALLER\s+PARTNER\s+ACTOR\s+EVENT\s+STATE\s+SYSTEM\s+DETAIL$/,
    );
    // succeeded: planned, running, 3 × (sent, succeeded), succeeded = 9; dead letter: planned, running, 4 steps, dead-lettered = 7
    expect(lines).toHaveLength(1 + 9 + 7);
    expect(lines.slice(1).every((line) => /\stok_acme_01\s+acme\s+gw-a\s/.test(line))).toBe(true);
    expect(trail.stdout).toMatch(/erp\.createSalesOrder: unknown/);
    const entries = json<Array<{ writeId: string; caller: { identity: string; partner: string } }>>(
      await cli(config, 'audit', '--write', seeded.globexDeadLetter.id, '--json'),
    );
    expect(entries).toHaveLength(7);
    expect(new Set(entries.map((entry) => entry.writeId))).toEqual(
      new Set([seeded.globexDeadLetter.id]),
    );
    expect(entries[0]?.caller).toEqual({
      identity: 'tok_globex_01',
      requestId: 'req-globex-1',
      partner: 'globex',
    });
    // 9 + 7 + 7 + 5 (the hostile one: planned, running, sent, failed-permanent, dead-lettered)
    expect(json<unknown[]>(await cli(config, 'audit', '--since', '1h', '--json'))).toHaveLength(28);
  });

  it('discards a dead letter with a reason, recorded as done by "cli"; refuses a second discard and a discard without a reason', async () => {
    const target = seeded.globexDeadLetter.id;
    const noReason = await cli(config, 'discard', target);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(
      /^switchboard: WRITE_REASON_REQUIRED: A discard needs a reason/,
    );
    expect((await journal.get(target))?.state).toBe('dead-lettered');

    const done = await cli(config, 'discard', target, '--reason', 'customer cancelled by phone');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`Write ${target} is discarded: "customer cancelled by phone"`);
    expect((await journal.get(target))?.state).toBe('discarded');
    const last = (await journal.audit({ writeId: target })).at(-1);
    expect(last).toMatchObject({
      actor: 'cli',
      state: 'discarded',
      detail: 'customer cancelled by phone',
    });

    const again = await spawned(config, 'discard', target, '--reason', 'twice', '--json');
    expect(again.code).toBe(4);
    expect(JSON.parse(again.stderr)).toEqual({
      error: {
        code: 'WRITE_NOT_DEAD_LETTERED',
        message: `Write ${target} is discarded, not dead-lettered: only dead letters can be discarded.`,
      },
    });
  });

  it('replay: refuses a write that is not a dead letter, and with no executor says so without touching the write', async () => {
    const notDead = await cli(config, 'replay', seeded.succeeded.id);
    expect(notDead.code).toBe(4);
    expect(notDead.stderr).toMatch(
      /WRITE_NOT_DEAD_LETTERED: Write .* is succeeded, not dead-lettered/,
    );
    const unavailable = await cli(config, 'replay', seeded.acmeDeadLetter.id);
    expect(unavailable.code).toBe(4);
    expect(unavailable.stderr).toMatch(/^switchboard: WRITE_REPLAY_UNAVAILABLE: /);
    expect((await journal.get(seeded.acmeDeadLetter.id))?.state).toBe('dead-lettered');
  });

  it('answers unknown and malformed ids, bad states, limits and times with coded errors and their exit codes', async () => {
    const unknown = await spawned(config, 'show', '00000000-0000-4000-8000-000000000000');
    expect(unknown).toMatchObject({ code: 3, stdout: '' });
    expect(unknown.stderr).toMatch(
      /^switchboard: WRITE_NOT_FOUND: No write with id "00000000-0000-4000-8000-000000000000"/,
    );

    const malformed = await spawned(config, 'show', `'; DROP TABLE writes; --${'x'.repeat(5000)}`);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(
      /^switchboard: WRITE_QUERY_INVALID: "'; DROP TABLE writes; --x+"… is not a write id/,
    );
    expect(malformed.stderr.length).toBeLessThan(300);

    // The rest of the argument checks are in writes-cli-args.test.ts; here, one of each kind.
    const cases: Array<[string[], RegExp]> = [
      [
        ['list', '--limit', '99999999999999999999'],
        /WRITE_QUERY_INVALID: limit should be a whole number from 1 to 500/,
      ],
      [
        ['audit', '--since', 'yesterday'],
        /WRITE_QUERY_INVALID: --since should be an ISO time .* instead got "yesterday"/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await cli(config, ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});

describe('switchboard writes on PostgreSQL', { timeout: 600_000 }, () => {
  let config: string;
  let seeded: Seeded;
  let journal: WriteJournal;

  beforeAll(async () => {
    // fsync off: these tests read and change the journal through the CLI, not the disk.
    const { url } = await startPostgresDatabase(undefined, { fsync: false });
    journal = await createPostgresJournal({ connectionString: url });
    seeded = await seedJournal(journal);
    // The URL from the environment, as docs/configuration.md advises.
    config = writeConfig(
      'postgres',
      `{ journal: 'postgres', postgresUrl: ${JSON.stringify(url)} }`,
    );
  });
  afterAll(async () => journal?.close());

  it('lists, shows, filters the audit trail by partner and discards on the shared journal', async () => {
    const dead = json<Array<{ id: string }>>(
      await cli(config, 'list', '--state', 'dead-lettered', '--json'),
    );
    expect(dead.map((write) => write.id)).toEqual([
      seeded.hostileDeadLetter.id,
      seeded.globexDeadLetter.id,
      seeded.acmeDeadLetter.id,
    ]);
    const globex = json<Array<{ writeId: string }>>(
      await cli(config, 'audit', '--partner', 'globex', '--json'),
    );
    expect(new Set(globex.map((entry) => entry.writeId))).toEqual(
      new Set([seeded.globexDeadLetter.id]),
    );
    expect(
      (
        await cli(
          config,
          'discard',
          seeded.acmeDeadLetter.id,
          '--reason',
          'duplicate of another order',
        )
      ).code,
    ).toBe(0);
    expect((await journal.get(seeded.acmeDeadLetter.id))?.state).toBe('discarded');
  });

  it('an unreachable journal exits 1 with WRITE_JOURNAL_UNAVAILABLE and never prints the URL or its password', async () => {
    const [port] = await freePorts(1);
    const secret = 's3cret-Passw0rd';
    const unreachable = writeConfig(
      'unreachable',
      `{ journal: 'postgres', postgresUrl: ${JSON.stringify(`postgresql://operator:${secret}@127.0.0.1:${port}/journal`)} }`,
    );
    for (const args of [['list']]) {
      const run = await spawned(unreachable, ...args);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('WRITE_JOURNAL_UNAVAILABLE');
      expect(run.stdout + run.stderr).not.toContain(secret);
      expect(run.stdout + run.stderr).not.toContain('operator:');
      expect(run.stdout + run.stderr).not.toMatch(/\bat .*:\d+:\d+/);
    }
  });
});
