import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closeAll, trackedCount, useHarness } from '../../harness/cleanup.js';
import { spawnProcess } from '../../harness/process.js';

useHarness();

const node = process.execPath;

describe('spawnProcess', () => {
  it('waits for a printed line and reports the exit code', async () => {
    const child = spawnProcess(
      node,
      ['-e', 'console.log("ready at " + process.env.GREETING); process.exitCode = 3'],
      { env: { GREETING: 'port 1234' } },
    );
    const match = await child.waitFor(/ready at port (\d+)/);
    expect(match[1]).toBe('1234');
    expect(await child.exited).toEqual({ code: 3, signal: null });
    expect(child.stdout()).toContain('ready at port 1234');
  });

  it('reads stderr and rejects when the process ends without the line', async () => {
    const child = spawnProcess(node, ['-e', 'console.error("boom"); process.exit(2)']);
    await expect(child.waitFor(/never printed/)).rejects.toThrow(/exited \(code 2.*stderr: boom/);
    expect(await child.waitFor(/boom/, { stream: 'stderr' })).toBeTruthy();
  });

  it('close stops a process that keeps running, and is safe twice', async () => {
    const child = spawnProcess(node, ['-e', 'console.log("up"); setInterval(() => {}, 1000)']);
    await child.waitFor(/up/);
    await child.close();
    await child.close();
    expect((await child.exited).signal).toBe('SIGTERM');
  });

  it('closeAll stops what a test left running', async () => {
    const child = spawnProcess(node, ['-e', 'console.log("up"); setInterval(() => {}, 1000)']);
    await child.waitFor(/up/);
    expect(trackedCount()).toBeGreaterThan(0);
    await closeAll();
    expect((await child.exited).signal).toBe('SIGTERM');
  });

  it('in a process group, a signal reaches the grandchildren too', async () => {
    const grandchild = 'console.log("grandchild " + process.pid); setInterval(() => {}, 1000)';
    const parent = `require("node:child_process").spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { stdio: "inherit" }); setInterval(() => {}, 1000)`;
    const child = spawnProcess(node, ['-e', parent], { group: true });
    const [, pid] = await child.waitFor(/grandchild (\d+)/);
    // A dead grandchild may linger as a zombie until its new parent reaps it; that counts as stopped.
    const alive = (): boolean => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    child.signal('SIGINT');
    expect((await child.exited).signal).toBe('SIGINT');
    await expect.poll(alive, { timeout: 10_000 }).toBe(false);
  });
});
