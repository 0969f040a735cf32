/**
 * A journal with one write in each state an operator meets, seeded through
 * the journal's own API (begin, recordStep, transition), as the executor
 * records them: what the CLI and admin API tests read.
 */
import type { Write, WriteJournal } from '../../../../gateway/writes/index.js';
import { orderPlan, runToDeadLetter, runToSuccess } from '../../../conformance/journal-fixtures.js';

export interface Seeded {
  /** placeOrder by partner acme's token, succeeded. */
  readonly succeeded: Write;
  /** placeOrder by partner acme's token, dead-lettered (erp outcome unknown). */
  readonly acmeDeadLetter: Write;
  /** placeOrder by partner globex's token, dead-lettered. */
  readonly globexDeadLetter: Write;
  /** An anonymous caller's write, dead-lettered, whose reason holds a terminal escape sequence. */
  readonly hostileDeadLetter: Write;
}

export const ACME = { identity: 'tok_acme_01', partner: 'acme' } as const;
export const GLOBEX = { identity: 'tok_globex_01', partner: 'globex' } as const;

export async function seedJournal(journal: WriteJournal): Promise<Seeded> {
  const succeeded = await runToSuccess(
    journal,
    orderPlan({ caller: { ...ACME, requestId: 'req-acme-1' } }),
  );
  const acmeDeadLetter = await runToDeadLetter(
    journal,
    orderPlan({ caller: { ...ACME, requestId: 'req-acme-2' } }),
  );
  const globexDeadLetter = await runToDeadLetter(
    journal,
    orderPlan({ caller: { ...GLOBEX, requestId: 'req-globex-1' } }),
  );
  const begun = await journal.begin(
    orderPlan({ mutation: 'capturePayment', input: { invoiceId: 'inv_9' } }),
    { owner: 'gw-a', leaseMs: 30_000 },
  );
  const id = begun.write.id;
  await journal.transition(id, 'gw-a', { state: 'running' });
  await journal.recordStep(id, 'gw-a', 0, { state: 'sent', request: { invoiceId: 'inv_9' } });
  await journal.recordStep(id, 'gw-a', 0, {
    state: 'failed-permanent',
    error: {
      code: 'SOURCE_BAD_RESPONSE',
      message: 'storefront said \u001b[31mno\u001b[0m',
      source: 'storefront',
      step: 0,
    },
  });
  const hostileDeadLetter = await journal.transition(id, 'gw-a', {
    state: 'dead-lettered',
    reason: 'evil \u001b]0;pwned\u0007 reason',
  });
  return { succeeded, acmeDeadLetter, globexDeadLetter, hostileDeadLetter };
}
