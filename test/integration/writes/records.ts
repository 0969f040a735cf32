/**
 * Each demo system's own records of an order, moved to the harness
 * (test/harness/order-records.ts) with the write fixture that reads them;
 * named here too, for the tests that import it from this folder.
 */
export { recordsReader, type OrderRecords, type RecordsReader } from '../../harness/index.js';
