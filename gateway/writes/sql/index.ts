/** The journal's SQL, written once for both engines (see statement.ts). */
export type {
  Operation,
  OperationContext,
  Dialect,
  Statement,
  StatementResult,
  Row,
  SqlParam,
} from './statement.js';
export { begin } from './operations-begin.js';
export { record, recordStep, transition } from './operations-record.js';
export { claim, claimUnfinished, discard, markReplay, release, renew } from './operations-claim.js';
export { appendAudit, audit, get, list, purgeExpiredKeys } from './operations-read.js';
