/**
 * Servers a test starts (Redis, PostgreSQL) stop when the test process is
 * killed from outside, where no afterAll and no 'exit' handler runs: a
 * test-process stand-in starts both, is SIGKILLed, and both servers and the
 * PostgreSQL data dir must be gone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnProcess, useHarness } from '../../harness/index.js';

useHarness();

/** True while `pid` runs; a zombie (exited, not reaped yet) counts as gone. */
function alive(pid: number): boolean {
  try {
    // "pid (name) S ...": the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const POLLS = 600; // × 50 ms: a bound against a hang, not a timing assertion

// The stand-in starts under tsx and runs initdb; the limit guards against a hang on a busy machine.
describe('the harness watchdog', { timeout: 240_000 }, () => {
  it('stops Redis and PostgreSQL and removes the data dir when the test process is SIGKILLed', async () => {
    const child = spawnProcess(
      process.execPath,
      ['--import', 'tsx', 'test/integration/harness/fixtures/watchdog-child.ts'],
      { cwd: REPO_ROOT },
    );
    const [line] = await child.waitFor(/\{.*\}\n/, { timeoutMs: 200_000 });
    const started = JSON.parse(line) as { redis: number; postgres: number; dataDir: string };
    expect(alive(started.redis)).toBe(true);
    expect(alive(started.postgres)).toBe(true);
    expect(existsSync(started.dataDir)).toBe(true);

    child.signal('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    const gone = (): boolean =>
      !alive(started.redis) && !alive(started.postgres) && !existsSync(started.dataDir);
    for (let poll = 0; poll < POLLS && !gone(); poll += 1) await sleep(50);
    expect(alive(started.redis)).toBe(false);
    expect(alive(started.postgres)).toBe(false);
    expect(existsSync(started.dataDir)).toBe(false);
  });
});
