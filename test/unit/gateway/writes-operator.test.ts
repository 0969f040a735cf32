/** The operator's argument checks (operator.ts) and the `writes` command's refusals that come before any config or journal. */
import { describe, expect, it } from 'vitest';
import { writes } from '../../../gateway/cli/writes.js';
import {
  checkWriteId,
  journalCaller,
  parseTime,
  parseWriteState,
} from '../../../gateway/writes/index.js';
import { anonymousCaller } from '../../../gateway/auth/index.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await writes(argv, {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
  });
  return { code, out, err };
}

describe('operator arguments', () => {
  const now = Date.UTC(2026, 10, 30, 4, 0, 0);

  it('reads times as ISO 8601 or a duration back from now, and nothing else', () => {
    expect(parseTime('1h', now)).toBe(now - 3_600_000);
    expect(parseTime('90s', now)).toBe(now - 90_000);
    expect(parseTime('7d', now)).toBe(now - 7 * 86_400_000);
    expect(parseTime('2026-11-30T03:00:00Z', now)).toBe(Date.UTC(2026, 10, 30, 3));
    expect(parseTime('2026-11-30', now)).toBe(Date.UTC(2026, 10, 30));
    expect(parseTime('2026-11-30T03:00:00+01:00', now)).toBe(Date.UTC(2026, 10, 30, 2));
    for (const bad of [
      '',
      'yesterday',
      'March 7',
      '1 h',
      '-1h',
      '1y',
      '99999999999h',
      '2026-13-45',
      '2026-11-30T25:00:00Z',
      '1e3',
      'Infinity',
    ]) {
      expect(
        codeOf(() => parseTime(bad, now)),
        bad,
      ).toBe('WRITE_QUERY_INVALID');
    }
  });

  it("names states in the journal's, GraphQL's or a typist's spelling", () => {
    expect(
      ['dead-lettered', 'DEAD_LETTERED', 'dead_letter', ' Dead-Letter '].map(parseWriteState),
    ).toEqual(Array(4).fill('dead-lettered'));
    expect(codeOf(() => parseWriteState('failed'))).toBe('WRITE_QUERY_INVALID');
  });

  it('takes only UUIDs as write ids, and quotes at most 40 characters of anything else', () => {
    expect(checkWriteId('0B9C0000-0000-4000-8000-000000000000')).toBe(
      '0b9c0000-0000-4000-8000-000000000000',
    );
    for (const bad of [
      '',
      'x',
      '0b9c0000-0000-4000-8000-00000000000',
      '0b9c0000-0000-4000-8000-000000000000\n',
      42,
      null,
    ]) {
      expect(
        codeOf(() => checkWriteId(bad)),
        String(bad),
      ).toBe('WRITE_QUERY_INVALID');
    }
    try {
      checkWriteId('z'.repeat(10_000));
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(200);
    }
  });

  it('maps the request\'s caller to the journal\'s: token id and partner, "anonymous" as no identity', () => {
    expect(journalCaller(anonymousCaller('127.0.0.1'), 'req-1')).toEqual({
      identity: null,
      requestId: 'req-1',
    });
    expect(journalCaller({ kind: 'token', id: 'tok_123', partner: 'acme' }, 'req-2')).toEqual({
      identity: 'tok_123',
      requestId: 'req-2',
      partner: 'acme',
    });
    expect(journalCaller({ kind: 'token', id: 'tok_456' }, 'req-3')).toEqual({
      identity: 'tok_456',
      requestId: 'req-3',
    });
  });
});

describe('switchboard writes: refusals before any config is read', () => {
  it.each([
    [
      ['list', '--state', 'exploded'],
      /WRITE_QUERY_INVALID: Unknown state "exploded"; the states are planned, running/,
    ],
    [['list', '--limit', 'lots'], /--limit should be a whole number/],
    [['show'], /"writes show" takes one write id/],
    [['show', 'a', 'b'], /"writes show" takes one write id/],
    [['list', 'extra'], /"writes list" takes no positional argument/],
    [['audit', '--bogus'], /Unknown option '--bogus'/],
    [
      ['explode'],
      /"writes" needs one of list, show, replay, discard, audit, instead got "explode"/,
    ],
    [[], /"writes" needs one of list, show, replay, discard, audit\./],
  ])('%j exits 2 with one line on stderr', async (argv, message) => {
    const { code, out, err } = await cli(...argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('with --json, says why as JSON on stderr', async () => {
    const { code, err } = await cli('list', '--state', 'nope', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(err)).toEqual({
      error: {
        code: 'WRITE_QUERY_INVALID',
        message: expect.stringMatching(/^Unknown state "nope"/),
      },
    });
  });
});
