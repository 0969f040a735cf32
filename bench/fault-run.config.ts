/**
 * The gateway of bench/fault-run.ts: the demo config (sources from
 * STOREFRONT_URL, ERP_URL, BILLING_URL) with its write journal on the
 * PostgreSQL of FAULT_RUN_POSTGRES_URL, shared by both instances, a short
 * lease and recovery interval so a write a fault left behind is taken over
 * within the run, and call deadlines short enough that a backend that never
 * answers (hangAfterApply) costs a second, not ten.
 */
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const { default: demo } = await import('../switchboard.config.js');

const postgresUrl = process.env.FAULT_RUN_POSTGRES_URL;
if (postgresUrl === undefined) throw new Error('FAULT_RUN_POSTGRES_URL is not set');

export default {
  ...demo,
  logging: { level: process.env.FAULT_RUN_LOG_LEVEL ?? 'error' },
  pipeline: {
    timeoutMs: 1_500,
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    // The run counts what the systems hold after faults; an open breaker would only turn faults into fast refusals.
    breaker: { enabled: false },
    cache: { enabled: false },
    sources: {
      storefront: { honoursIdempotencyKeys: true },
      billing: { honoursIdempotencyKeys: true },
    },
  },
  // The lease outlasts a step's worst case (3 attempts of 1.5 s plus backoff): the executor renews its claim
  // between steps, so a shorter lease lets the other instance take a write over while its step still waits.
  writes: { journal: 'postgres', postgresUrl, leaseMs: 6_000, recoveryIntervalMs: 1_000 },
};
