/** The REST source: OpenAPI 3.0/3.1 and Swagger 2.0 contracts as a GraphQL subgraph. */
import { print } from 'graphql';
import type { Source } from '../common/index.js';

export {
  createRestSource,
  convertContract,
  REST_DEFAULTS,
  REST_OPTION_KEYS,
  type RestSourceOptions,
  type RestSubgraph,
} from './rest-source.js';
export { readContract, type Contract, type ContractVersion } from './contract.js';

/** The subgraph SDL of a source, as `switchboard print-subgraph` shows it. */
export function printSubgraph(source: Pick<Source, 'typeDefs'>): string {
  return print(source.typeDefs);
}
