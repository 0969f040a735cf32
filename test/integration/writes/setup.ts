/**
 * The write tests' set-up, moved to the harness (test/harness/writes.ts) with
 * the fixture that uses it; named here too, for the tests that import it from
 * this folder.
 */
export {
  orderInput,
  PLACE_ORDER,
  tempDir,
  WRITE_PIPELINE,
  writesConfig,
} from '../../harness/index.js';
