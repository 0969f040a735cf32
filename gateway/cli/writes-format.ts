/**
 * How `switchboard writes` shows the journal to a person: aligned tables
 * and one block per write. Everything printed passes through `printable`:
 * a reason, a failure message or a mutation name is data someone else
 * wrote, and a terminal must not run the escape sequences it may hold.
 */
import type { AuditEntry, Step, Write } from '../writes/index.js';
import { callerName } from '../writes/index.js';

/** Control characters (ANSI escapes, carriage returns, bidi overrides) shown as \u escapes; long values cut. */
export function printable(value: string, max = 120): string {
  const safe = value.replace(
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

export function isoTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function stepSummary(step: Step): string {
  return `${printable(step.source, 40)}:${step.state}`;
}

export function writesTable(writes: readonly Write[]): string {
  if (writes.length === 0) return 'No writes match.\n';
  return table(
    ['ID', 'STATE', 'MUTATION', 'CALLER', 'PARTNER', 'CREATED', 'STEPS', 'REASON'],
    writes.map((write) => [
      write.id,
      write.state,
      printable(write.mutation, 40),
      printable(callerName(write.caller), 40),
      printable(write.caller.partner ?? '-', 40),
      isoTime(write.createdAt),
      write.steps.map(stepSummary).join(' '),
      printable(write.reason ?? write.error?.message ?? '', 80),
    ]),
  );
}

function json(value: unknown): string {
  return value === null ? '-' : printable(JSON.stringify(value), 200);
}

export function writeDetail(write: Write): string {
  const lines = [
    `Write ${write.id}`,
    `  state       ${write.state}`,
    `  mutation    ${printable(write.mutation)}`,
    `  caller      ${printable(callerName(write.caller))}${write.caller.partner === undefined ? '' : ` (partner ${printable(write.caller.partner)})`}, request ${printable(write.caller.requestId)}`,
    `  key         ${write.idempotencyKey === null ? '-' : printable(write.idempotencyKey)}`,
    `  created     ${isoTime(write.createdAt)}`,
    `  updated     ${isoTime(write.updatedAt)}`,
    `  owner       ${write.claimOwner === null ? '-' : `${printable(write.claimOwner)} until ${isoTime(write.claimExpiresAt)}`}`,
    `  reason      ${write.reason === null ? '-' : printable(write.reason, 400)}`,
    `  error       ${write.error === null ? '-' : `${write.error.code}: ${printable(write.error.message, 400)}`}`,
    `  input       ${json(write.input)}`,
    `  result      ${json(write.result)}`,
    'Steps:',
  ];
  for (const step of write.steps) {
    const safety =
      step.repeatSafety.kind === 'natural-key'
        ? `natural-key (${printable(step.repeatSafety.lookup, 60)})`
        : step.repeatSafety.kind;
    const undo =
      step.compensation.kind === 'operation'
        ? printable(step.compensation.operation, 60)
        : `none (${printable(step.compensation.reason, 100)})`;
    lines.push(
      `  ${step.index}. ${printable(step.source, 40)}.${printable(step.operation, 60)}  ${step.state}, ${step.attempts} attempt${step.attempts === 1 ? '' : 's'}`,
      `     repeat: ${safety}; undo: ${undo}; key ${step.idempotencyKey}`,
      `     request ${json(step.request)}`,
      `     result  ${json(step.result)}`,
      ...(step.error === null
        ? []
        : [`     error   ${step.error.code}: ${printable(step.error.message, 400)}`]),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function auditTable(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'No audit entries match.\n';
  return table(
    [
      'TIME',
      'WRITE',
      'MUTATION',
      'CALLER',
      'PARTNER',
      'ACTOR',
      'EVENT',
      'STATE',
      'SYSTEM',
      'DETAIL',
    ],
    entries.map((entry) => [
      isoTime(entry.at),
      entry.writeId,
      printable(entry.mutation, 40),
      printable(callerName(entry.caller), 40),
      printable(entry.caller.partner ?? '-', 40),
      printable(entry.actor, 40),
      entry.event,
      entry.state,
      entry.step === null
        ? '-'
        : `${printable(entry.step.source, 40)}.${printable(entry.step.operation, 60)}: ${entry.step.state}`,
      printable(entry.detail ?? '', 120),
    ]),
  );
}
