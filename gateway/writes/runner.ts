/**
 * The seam between the executor and the operator's tools (the
 * `switchboard writes` CLI and the admin API): what an operator may ask of
 * the gateway's write runner. The executor (executor.ts) implements it.
 */
import type { Write } from './model.js';

/** Runs writes recorded in the journal on behalf of an operator. */
export interface WriteRunner {
  /**
   * Replays a dead letter: moves it `dead-lettered → replaying` (audited as
   * done by `actor`) and drives it forward or back again from where it
   * stopped. Steps keep their idempotency keys (keys.ts stepKey), so a step
   * that had in fact succeeded is not applied twice by a backend that
   * honours them; a step with an unknown outcome is first looked up by its
   * natural key when it has one. Resolves with the write as it settled
   * (`succeeded`, `compensated`, or `dead-lettered` again with a reason).
   * @throws WRITE_NOT_FOUND, WRITE_TRANSITION_INVALID (not a dead letter)
   */
  replay(writeId: string, actor: string): Promise<Write>;
}
