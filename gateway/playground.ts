/**
 * GraphiQL, served by the gateway itself from @graphql-yoga/render-graphiql:
 * its page inlines the script, the styles, the favicon and the editor's
 * workers (as blob URLs), so the playground works with no network beyond the
 * gateway. Each endpoint opens with a real example query built from its schema.
 */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { GraphiQLOptions } from 'graphql-yoga';
import type { PlaygroundTab } from './config/index.js';

/**
 * GraphiQL keeps its tabs in localStorage under fixed "graphiql:" keys, so
 * every endpoint of one origin shared them: after /graphql/erp, the unified
 * page opened with erp's tabs and its own examples were gone. This script,
 * run before GraphiQL's, gives each endpoint its own key space by putting a
 * prefixed view of localStorage in its place.
 */
function storageNamespace(path: string): string {
  const prefix = JSON.stringify(`switchboard${path}|`).replace(/</g, '\\u003c');
  return `<script>(function(){try{var s=window.localStorage,p=${prefix};var v={getItem:function(k){return s.getItem(p+k)},setItem:function(k,x){s.setItem(p+k,x)},removeItem:function(k){s.removeItem(p+k)},clear:function(){for(var i=s.length-1;i>=0;i--){var k=s.key(i);if(k&&k.indexOf(p)===0)s.removeItem(k)}},key:function(i){var n=-1;for(var j=0;j<s.length;j++){var k=s.key(j);if(k&&k.indexOf(p)===0&&++n===i)return k.slice(p.length)}return null},get length(){var n=0;for(var j=0;j<s.length;j++){var k=s.key(j);if(k&&k.indexOf(p)===0)n++}return n}};Object.defineProperty(window,'localStorage',{value:v,configurable:true})}catch(e){}})();</script>`;
}

/** Yoga's inlined GraphiQL page, with the endpoint's own localStorage key space. */
export function playgroundRenderer(path: string): typeof renderGraphiQL {
  const shim = storageNamespace(path);
  return (options) => renderGraphiQL(options).replace('<head>', `<head>\n      ${shim}`);
}

/** Leaf fields of `type`, and one level of objects under it, as a selection. */
function selection(type: GraphQLObjectType, depth: number, indent: string): string {
  const lines: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type))) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) lines.push(`${indent}${field.name}`);
    else if (isObjectType(named) && depth > 0) {
      const inner = selection(named, depth - 1, `${indent}  `);
      if (inner !== '') lines.push(`${indent}${field.name} {\n${inner}\n${indent}}`);
    }
    if (lines.length >= 8) break;
  }
  return lines.join('\n');
}

/** The first query field a caller can run without inventing arguments. */
function firstRunnable(type: GraphQLObjectType): GraphQLField<unknown, unknown> | undefined {
  return Object.values(type.getFields()).find(
    (field) => !field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined),
  );
}

/**
 * A query that runs against `schema` as it is: the first query field with no
 * required argument, with its scalar fields. `namespace` wraps it in the
 * source's root field for the namespaced view.
 */
export function exampleQuery(schema: GraphQLSchema, namespace?: string): string | undefined {
  let root = schema.getQueryType();
  if (root === null || root === undefined) return undefined;
  if (namespace !== undefined) {
    const inner = getNamedType(root.getFields()[namespace]?.type);
    if (!isObjectType(inner)) return undefined;
    root = inner;
  }
  const field = firstRunnable(root);
  if (field === undefined) return undefined;
  const named = getNamedType(field.type);
  const indent = namespace === undefined ? '  ' : '    ';
  const body = isLeafType(named)
    ? `${indent}${field.name}`
    : `${indent}${field.name} {\n${selection(named as GraphQLObjectType, 1, `${indent}  `)}\n${indent}}`;
  return namespace === undefined
    ? `query Example {\n${body}\n}\n`
    : `query Example {\n  ${namespace} {\n${body}\n  }\n}\n`;
}

export function playgroundOptions(init: {
  title: string;
  tabs: readonly PlaygroundTab[];
}): GraphiQLOptions {
  const [first] = init.tabs;
  return {
    title: init.title,
    // No tabs: GraphiQL's own default tab. An empty `defaultTabs` leaves it none, and the page
    // fails to render (a blank page on a unified schema without playground.defaultTabs).
    ...(first === undefined
      ? {}
      : {
          defaultQuery: first.query,
          defaultTabs: init.tabs.map((tab) => ({ query: tab.query, variables: tab.variables })),
        }),
  };
}
