/** The operator page (docs/operations.md, Operator page): the page, its overview data, the rates it shows. */
export {
  createOperatorPage,
  OPERATOR_OVERVIEW_PATH,
  OPERATOR_PAGE_PATH,
  type OperatorPage,
} from './endpoint.js';
export {
  createOperator,
  type Operator,
  type OverviewInit,
  type OverviewQuery,
} from './overview.js';
export { OPERATOR_PAGE_CSP } from './page.js';
export { createRateWindow, quantileFromBuckets, RATE_WINDOW_MS, type Rates } from './rates.js';
