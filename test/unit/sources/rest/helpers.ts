/** Shared checks for REST conversion tests: every name valid, the SDL builds, builds are stable. */
import { fileURLToPath } from 'node:url';
import {
  buildASTSchema,
  print,
  validateSchema,
  visit,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { expect } from 'vitest';
import { isValidGraphQLName } from '../../../../sources/common/index.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/openapi/', import.meta.url));
export const NODE_MODULES = fileURLToPath(new URL('../../../../node_modules/', import.meta.url));

/** Every name the document defines or uses. */
export function allNames(doc: DocumentNode): string[] {
  const names: string[] = [];
  visit(doc, { Name: (node) => void names.push(node.value) });
  return names;
}

/** Builds and validates the subgraph: names valid, custom scalars declared by the source itself. */
export function assertValidSubgraph(doc: DocumentNode): GraphQLSchema {
  const invalid = allNames(doc).filter((name) => !isValidGraphQLName(name));
  expect(invalid).toEqual([]);
  const schema = buildASTSchema(doc);
  expect(validateSchema(schema).map((e) => e.message)).toEqual([]);
  return schema;
}

export function sdl(doc: DocumentNode): string {
  return print(doc);
}
