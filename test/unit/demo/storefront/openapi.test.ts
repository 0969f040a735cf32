/**
 * Structural checks of demo/storefront/openapi.yaml, in plain code: every
 * $ref and discriminator mapping resolves, operationIds are present and
 * unique, path templates have their parameters, required lists name real
 * properties, and the server answers exactly the operations the document lists.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { STOREFRONT_CONTRACT, STOREFRONT_OPERATIONS } from '../../../../demo/storefront/index.js';

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parsed: unknown = parse(readFileSync(STOREFRONT_CONTRACT, 'utf8'));
if (!isNode(parsed)) throw new Error('openapi.yaml is not a mapping');
const document: Node = parsed;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Resolves a local JSON Pointer ("#/components/schemas/Product"), or undefined. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let current: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isNode(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** Follows $ref chains to the node they name. */
function deref(value: unknown): unknown {
  let current = value;
  for (let hops = 0; isNode(current) && typeof current.$ref === 'string' && hops < 20; hops += 1)
    current = resolvePointer(current.$ref);
  return current;
}

function walk(value: unknown, at: string, visit: (node: Node, at: string) => void): void {
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${at}/${i}`, visit));
  else if (isNode(value)) {
    visit(value, at);
    for (const [key, child] of Object.entries(value)) walk(child, `${at}/${key}`, visit);
  }
}

function operations(): Array<{ method: string; path: string; operation: Node; pathItem: Node }> {
  const paths = document.paths;
  if (!isNode(paths)) return [];
  return Object.entries(paths).flatMap(([path, pathItem]) =>
    isNode(pathItem)
      ? HTTP_METHODS.filter((method) => isNode(pathItem[method])).map((method) => ({
          method,
          path,
          operation: pathItem[method] as Node,
          pathItem,
        }))
      : [],
  );
}

describe('storefront openapi.yaml', () => {
  it('is OpenAPI 3.1 with the demo server address', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.servers).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:4001' })]);
  });

  it('resolves every $ref and every discriminator mapping', () => {
    const refs: string[] = [];
    const broken: string[] = [];
    walk(document, '#', (node, at) => {
      if (typeof node.$ref === 'string') {
        refs.push(node.$ref);
        if (resolvePointer(node.$ref) === undefined) broken.push(`${at}: ${node.$ref}`);
      }
      if (isNode(node.discriminator) && isNode(node.discriminator.mapping)) {
        for (const target of Object.values(node.discriminator.mapping)) {
          if (typeof target !== 'string' || resolvePointer(target) === undefined)
            broken.push(`${at}/discriminator: ${String(target)}`);
        }
      }
    });
    expect(broken).toEqual([]);
    expect(refs.length).toBeGreaterThan(50);
  });

  it('gives every operation a unique operationId, a description and responses', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.length).toBeGreaterThanOrEqual(12);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { operation } of operations()) {
      expect(
        typeof operation.summary === 'string' || typeof operation.description === 'string',
      ).toBe(true);
      expect(
        isNode(operation.responses) && Object.keys(operation.responses).length,
      ).toBeGreaterThan(0);
    }
  });

  it('declares a required path parameter for every template segment', () => {
    for (const { path, operation, pathItem } of operations()) {
      const declared = [
        ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
        ...(Array.isArray(operation.parameters) ? operation.parameters : []),
      ]
        .map(deref)
        .filter(
          (parameter): parameter is Node =>
            isNode(parameter) && parameter.in === 'path' && parameter.required === true,
        )
        .map((parameter) => parameter.name);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(declared.sort(), `${operation.operationId as string} ${path}`).toEqual(
        templated.sort(),
      );
    }
  });

  it('names only declared properties in required lists', () => {
    const faults: string[] = [];
    walk(document, '#', (node, at) => {
      if (Array.isArray(node.required) && isNode(node.properties)) {
        for (const name of node.required)
          if (!Object.hasOwn(node.properties, String(name))) faults.push(`${at}: ${String(name)}`);
      }
    });
    expect(faults).toEqual([]);
  });

  it('uses the constructs the REST source must convert', () => {
    const schemas = (document.components as Node).schemas as Node;
    const text = JSON.stringify(document);
    expect(text).toContain('"allOf"');
    expect(text).toContain('"discriminator"');
    expect(text).toContain('"format":"int64"');
    expect(text).toContain('"format":"date-time"');
    expect(text).toContain('"application/problem+json"');
    expect((schemas.NextCursor as Node).type).toEqual(['string', 'null']);
    expect((schemas.OrderStatus as Node).enum).toEqual(['pending', 'paid', 'shipped', 'cancelled']);
  });

  it('lists exactly the operations the server answers', () => {
    const inDocument = operations()
      .map(
        ({ method, path, operation }) =>
          `${method.toUpperCase()} ${path} ${String(operation.operationId)}`,
      )
      .sort();
    const served = STOREFRONT_OPERATIONS.map(
      ({ method, path, operationId }) => `${method} ${path} ${operationId}`,
    ).sort();
    expect(served).toEqual(inDocument);
  });
});
