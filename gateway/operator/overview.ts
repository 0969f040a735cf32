/**
 * What the operator page shows, in one JSON answer: each source's health,
 * breaker and recent call figures, the cache hit ratio, writes in flight,
 * the dead-letter queue with every step, and the recent audit trail. The
 * journal is read through writes/operator.ts, the functions the CLI and the
 * admin API use, so all three check arguments and refuse alike.
 */
import type { Source } from '../../sources/common/index.js';
import { probeSources, type ProbedHealth } from '../http/health.js';
import type { GatewayMetrics } from '../telemetry/index.js';
import {
  auditTrail,
  callerName,
  IN_FLIGHT_STATES,
  listWrites,
  OPERATOR_LIMITS,
  type AuditEntry,
  type Failure,
  type Write,
  type WriteJournal,
} from '../writes/index.js';
import { createRateWindow, type Rates } from './rates.js';

/** How long one round of health probes is shown before the backends are probed again, in ms: a page refreshing every few seconds costs each backend one probe per 5 s. */
const HEALTH_TTL_MS = 5_000;
/** Dead letters listed, newest first. */
const MAX_DEAD_LETTERS = 50;
/** Audit entries listed, newest first, from the last AUDIT_SPAN_MS. */
const MAX_AUDIT = 100;
const AUDIT_SPAN_MS = 86_400_000; // 24 h
/** Pages of the audit trail read to reach its newest entries (the journal answers oldest first). */
const MAX_AUDIT_PAGES = 10;

export interface OverviewInit {
  readonly sources: readonly Source[];
  /** Each source's breaker state ("closed", "open", "half-open"...), undefined without a breaker. */
  readonly breakerOf: (source: string) => string | undefined;
  /** Undefined when metrics are off: the page then shows health and writes only. */
  readonly metrics: GatewayMetrics | undefined;
  readonly journal: WriteJournal | undefined;
  /** Longest wait for one health probe, in ms. */
  readonly probeTimeoutMs: number;
}

export interface OverviewQuery {
  /** Only the audit entries of this partner's writes. */
  readonly partner?: string;
}

/** One step of a listed write: where it went and how it ended, never its request or result. */
export interface StepView {
  readonly index: number;
  readonly source: string;
  readonly operation: string;
  readonly state: string;
  readonly attempts: number;
  readonly error: Failure | null;
}

/** A write as the page lists it: no input or result (they may hold customer data), its steps and errors. */
export interface WriteView {
  readonly id: string;
  readonly mutation: string;
  readonly state: string;
  /** The caller's id (a token's id, or "anonymous"), never a token. */
  readonly caller: string;
  readonly partner: string | null;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly error: Failure | null;
  readonly steps: readonly StepView[];
}

export interface AuditView {
  /** As a string: it may outgrow a JSON number's safe range. */
  readonly seq: string;
  /** ISO 8601. */
  readonly at: string;
  readonly writeId: string;
  readonly mutation: string;
  readonly partner: string | null;
  readonly actor: string;
  readonly event: string;
  readonly state: string;
  readonly step: AuditEntry['step'];
  readonly detail: string | null;
}

/** One source's row. Rates are null when metrics are off; errorRate and percentiles also when there were no calls. */
export interface SourceView {
  readonly name: string;
  readonly ok: boolean;
  /** How long the health probe took, in ms. */
  readonly latencyMs: number;
  /** Why the probe failed, without addresses; null when it did not. */
  readonly message: string | null;
  readonly breaker: string | null;
  readonly calls: number | null;
  readonly errors: number | null;
  readonly callsPerMinute: number | null;
  readonly errorRate: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** GET /admin/overview's answer (docs/operations.md, The operator page). */
export interface Overview {
  /** ISO 8601: when it was read. */
  readonly at: string;
  /** Are metrics counted (rates and the cache ratio are null otherwise)? */
  readonly metrics: boolean;
  /** Is there a write journal (writes, dead letters and audit are empty otherwise)? */
  readonly writes: boolean;
  /** What the rates cover, in seconds; null without metrics. */
  readonly windowSeconds: number | null;
  readonly sources: readonly SourceView[];
  readonly cache: {
    readonly hitRatio: number | null;
    readonly hits: number | null;
    readonly misses: number | null;
  };
  /** Every write in flight is counted; the first 20 are listed. */
  readonly inFlight: { readonly count: number; readonly writes: readonly WriteView[] };
  readonly deadLetters: readonly WriteView[];
  /** Newest first. */
  readonly audit: readonly AuditView[];
  /** The partner filter applied to `audit`, when one was. */
  readonly partner?: string;
}

export interface Operator {
  /** @throws WRITE_QUERY_INVALID (a bad partner filter) */
  overview(query?: OverviewQuery): Promise<Overview>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

const failureOf = (failure: Failure | null): Failure | null =>
  failure === null
    ? null
    : {
        code: failure.code,
        message: failure.message,
        ...(failure.source === undefined ? {} : { source: failure.source }),
        ...(failure.step === undefined ? {} : { step: failure.step }),
      };

function writeView(write: Write): WriteView {
  return {
    id: write.id,
    mutation: write.mutation,
    state: write.state,
    caller: callerName(write.caller),
    partner: write.caller.partner ?? null,
    createdAt: iso(write.createdAt),
    updatedAt: iso(write.updatedAt),
    error: failureOf(write.error),
    steps: write.steps.map((step) => ({
      index: step.index,
      source: step.source,
      operation: step.operation,
      state: step.state,
      attempts: step.attempts,
      error: failureOf(step.error),
    })),
  };
}

function auditView(entry: AuditEntry): AuditView {
  return {
    seq: String(entry.seq),
    at: iso(entry.at),
    writeId: entry.writeId,
    mutation: entry.mutation,
    partner: entry.caller.partner ?? null,
    actor: entry.actor,
    event: entry.event,
    state: entry.state,
    step: entry.step,
    detail: entry.detail,
  };
}

/** The newest entries of the last AUDIT_SPAN_MS, newest first, reading forward page by page. */
async function recentAudit(
  journal: WriteJournal,
  now: number,
  partner: string | undefined,
): Promise<AuditEntry[]> {
  let since = now - AUDIT_SPAN_MS;
  let lastSeq = -1;
  let kept: AuditEntry[] = [];
  for (let page = 0; page < MAX_AUDIT_PAGES; page += 1) {
    const entries = await auditTrail(journal, {
      since,
      limit: OPERATOR_LIMITS.maxAudit,
      ...(partner === undefined ? {} : { partner }),
    });
    // `since` includes its own millisecond: entries already seen come back and are skipped.
    const fresh = entries.filter((entry) => entry.seq > lastSeq);
    kept = [...kept, ...fresh].slice(-MAX_AUDIT);
    const last = entries.at(-1);
    if (entries.length < OPERATOR_LIMITS.maxAudit || last === undefined || fresh.length === 0)
      break;
    since = last.at;
    lastSeq = last.seq;
  }
  return kept.reverse();
}

export function createOperator(init: OverviewInit): Operator {
  const { sources, breakerOf, metrics, journal } = init;
  const window = metrics === undefined ? undefined : createRateWindow(metrics.registry);
  let health: { at: number; probed: Promise<ProbedHealth[]> } | undefined;
  const probed = (now: number): Promise<ProbedHealth[]> => {
    // One round of probes at a time, shared by every page open in the meantime.
    if (health === undefined || now - health.at >= HEALTH_TTL_MS)
      health = { at: now, probed: probeSources(sources, init.probeTimeoutMs) };
    return health.probed;
  };
  return {
    async overview(query = {}) {
      const now = Date.now();
      const [healths, rates, inFlight, deadLetters, audit] = await Promise.all([
        probed(now),
        window?.rates(now),
        journal === undefined
          ? []
          : listWrites(journal, { states: IN_FLIGHT_STATES, limit: OPERATOR_LIMITS.maxWrites }),
        journal === undefined
          ? []
          : listWrites(journal, { states: ['dead-lettered'], limit: MAX_DEAD_LETTERS }),
        journal === undefined ? [] : recentAudit(journal, now, query.partner),
      ]);
      return {
        at: iso(now),
        metrics: rates !== undefined,
        writes: journal !== undefined,
        windowSeconds: rates?.windowSeconds ?? null,
        sources: healths.map((health) => sourceView(health, breakerOf(health.name), rates)),
        cache: {
          hitRatio: rates?.cacheHitRatio ?? null,
          hits: rates?.cacheHits ?? null,
          misses: rates?.cacheMisses ?? null,
        },
        inFlight: { count: inFlight.length, writes: inFlight.slice(0, 20).map(writeView) },
        deadLetters: deadLetters.map(writeView),
        audit: audit.map(auditView),
        ...(query.partner === undefined ? {} : { partner: query.partner }),
      };
    },
  };
}

function sourceView(
  health: ProbedHealth,
  breaker: string | undefined,
  rates: Rates | undefined,
): SourceView {
  const figures = rates?.sources.get(health.name);
  return {
    ...health,
    message: health.message ?? null,
    breaker: breaker ?? null,
    calls: figures?.calls ?? (rates === undefined ? null : 0),
    errors: figures?.errors ?? (rates === undefined ? null : 0),
    callsPerMinute: figures?.callsPerMinute ?? (rates === undefined ? null : 0),
    errorRate: figures?.errorRate ?? null,
    p50Ms: figures?.p50Ms ?? null,
    p99Ms: figures?.p99Ms ?? null,
  };
}
