/** Apollo Federation v2 subgraphs of the sources and of the unified schema (docs/federation.md). */
export { buildFederationSchema, federationTypeDefs, FEDERATION_SPEC } from './schema.js';
export {
  sourceEntities,
  unifiedEntities,
  declaredEntities,
  type Entities,
  type EntityKey,
} from './entities.js';
export { resolverMapOf } from './resolver-map.js';
