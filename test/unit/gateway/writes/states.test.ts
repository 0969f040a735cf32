import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  STEP_TRANSITIONS,
  WRITE_TRANSITIONS,
  assertStepTransition,
  assertWriteTransition,
  isInFlight,
  type StepState,
  type WriteState,
} from '../../../../gateway/writes/index.js';

const docs = readFileSync(new URL('../../../../docs/writes.md', import.meta.url), 'utf8');

/** The `| state | may become | meaning |` table under `heading`, as a transition map. */
function documentedTable(heading: string): Record<string, string[]> {
  const section = docs.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';
  const table: Record<string, string[]> = {};
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const state = /^`([a-z-]+)`$/.exec(cells[1] ?? '');
    if (state)
      table[state[1] as string] = [...(cells[2] ?? '').matchAll(/`([a-z-]+)`/g)].map(
        (match) => match[1] as string,
      );
  }
  return table;
}

describe('docs/writes.md and the state machines', () => {
  it('lists exactly the write transitions of WRITE_TRANSITIONS', () => {
    expect(documentedTable('The states of a write')).toEqual(WRITE_TRANSITIONS);
  });

  it('lists exactly the step transitions of STEP_TRANSITIONS', () => {
    expect(documentedTable('The states of a step')).toEqual(STEP_TRANSITIONS);
  });
});

describe('state machine checks', () => {
  it('accepts every listed move and refuses every other, with a code and the states in details', () => {
    const states = Object.keys(WRITE_TRANSITIONS) as WriteState[];
    let refused = 0;
    for (const from of states) {
      for (const to of states) {
        if (WRITE_TRANSITIONS[from].includes(to)) {
          expect(() => assertWriteTransition('w1', from, to)).not.toThrow();
        } else {
          refused += 1;
          expect(() => assertWriteTransition('w1', from, to)).toThrow(
            expect.objectContaining({
              code: 'WRITE_TRANSITION_INVALID',
              details: { writeId: 'w1', from, to },
            }),
          );
        }
      }
    }
    expect(refused).toBe(64 - 14);
  });

  it('refuses step moves not in STEP_TRANSITIONS', () => {
    const states = Object.keys(STEP_TRANSITIONS) as StepState[];
    const legal = states.flatMap((from) => STEP_TRANSITIONS[from].map((to) => `${from}>${to}`));
    for (const from of states) {
      for (const to of states) {
        const check = (): void => assertStepTransition('w1', 0, from, to);
        if (legal.includes(`${from}>${to}`)) expect(check).not.toThrow();
        else
          expect(check).toThrow(expect.objectContaining({ code: 'WRITE_STEP_TRANSITION_INVALID' }));
      }
    }
  });

  it('calls exactly planned, running, compensating and replaying in flight, and gives final states no way out', () => {
    const states = Object.keys(WRITE_TRANSITIONS) as WriteState[];
    expect(states.filter(isInFlight)).toEqual(['planned', 'running', 'compensating', 'replaying']);
    expect(states.filter((state) => WRITE_TRANSITIONS[state].length === 0)).toEqual([
      'succeeded',
      'compensated',
      'discarded',
    ]);
  });
});
