/**
 * Reads the binding directives off the unified schema's AST into plain,
 * typed descriptions, keeping each piece's AST node so every later problem
 * can point at its line and column. Nothing here knows about sources.
 */
import {
  Kind,
  type ConstDirectiveNode,
  type ConstValueNode,
  type FieldDefinitionNode,
  type ValueNode,
} from 'graphql';
import { ExpressionError, parseExpression, type Expression } from './expression.js';
import { issueAt, type CompositionIssue } from './issues.js';
import { readInvalidation, type InvalidationBinding } from './invalidates.js';
import { readWriteDirective, type WriteBinding } from './write-bindings.js';
import { parsePath } from './path.js';

/** What a `$` reference reads: the field's arguments, the parent's source value, or (in a write's steps) the caller and earlier steps' answers. */
export type TemplateRoot = 'args' | 'parent' | 'caller' | 'steps' | 'item' | 'step';

/** A value of @fetch's `args`: a reference, a literal, or an object/list built of them. */
export type ArgTemplate =
  | {
      readonly kind: 'ref';
      readonly root: TemplateRoot;
      readonly path: readonly string[];
      readonly node: ValueNode;
    }
  | { readonly kind: 'literal'; readonly value: unknown; readonly node: ValueNode }
  | {
      readonly kind: 'object';
      readonly fields: ReadonlyMap<
        string,
        { readonly template: ArgTemplate; readonly node: ValueNode }
      >;
      readonly node: ValueNode;
    }
  | { readonly kind: 'list'; readonly items: readonly ArgTemplate[]; readonly node: ValueNode }
  /** A write step's `{ _each: "$args.input.lines", itemCode: "$item.sku" }`: the object built once per element of the list, `$item.` reading the element. */
  | {
      readonly kind: 'each';
      readonly over: ArgTemplate;
      readonly item: ArgTemplate;
      readonly node: ValueNode;
    };

export interface FetchBinding {
  readonly source: string;
  readonly operation: string;
  /** Operation argument name → its template, with the node of the argument's name for locations. */
  readonly args: ReadonlyMap<string, { readonly template: ArgTemplate; readonly node: ValueNode }>;
  readonly path: readonly string[];
  readonly node: ConstDirectiveNode;
}

export interface FieldBinding {
  readonly fetch?: FetchBinding;
  readonly from?: { readonly path: readonly string[]; readonly node: ConstDirectiveNode };
  readonly compute?: { readonly expression: Expression; readonly node: ConstDirectiveNode };
  readonly connection?: {
    readonly items: readonly string[];
    readonly nextCursor: readonly string[];
    readonly node: ConstDirectiveNode;
  };
  /** The cached entities a mutation touches (@invalidates, repeatable). */
  readonly invalidates?: readonly InvalidationBinding[];
  /** A write mutation's steps and answer (@step, @answer). */
  readonly write?: WriteBinding;
  /** A binding directive's own text was malformed (reported); the field is not checked further. */
  readonly broken?: boolean;
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((arg) => arg.name.value === name)?.value;
}

function stringArgument(
  directive: ConstDirectiveNode,
  name: string,
): { value: string; node: ConstValueNode } | undefined {
  const node = argument(directive, name);
  return node?.kind === Kind.STRING ? { value: node.value, node } : undefined;
}

/** Offset of a string's first character inside its node: past the quote(s). */
function stringOffset(node: ConstValueNode): number {
  return node.kind === Kind.STRING && node.block === true ? 3 : 1;
}

/** Parses a dot path argument; on failure records BINDING_BAD_PATH at the exact character. */
export function pathArgument(
  directive: ConstDirectiveNode,
  name: string,
  issues: CompositionIssue[],
  fallback?: string,
): readonly string[] | undefined {
  const arg = stringArgument(directive, name);
  if (arg === undefined) return fallback === undefined ? undefined : parsePath(fallback);
  try {
    return parsePath(arg.value);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    issues.push(
      issueAt(
        arg.node,
        'BINDING_BAD_PATH',
        `@${directive.name.value}(${name}: "${arg.value}") is not a dot path: ${error.message}.`,
        'write field names separated by dots, e.g. "total.currency", or "$" for the value itself.',
        stringOffset(arg.node) + error.column - 1,
      ),
    );
    return undefined;
  }
}

/** A @fetch reads its field's arguments, its parent, and `$caller.partner` (to scope a list to the caller's data). */
const FETCH_ROOTS: readonly TemplateRoot[] = ['args', 'parent', 'caller'];

/** The field of an object template that maps a list (`_each`), in a write's steps. */
export const EACH = '_each';

/**
 * Turns one `args` value into a template; `$args.x` and `$parent.x` are
 * references (a write's steps: `$args.`, `$caller.`, `$steps.`), `$$` escapes a literal `$`.
 */
export function readTemplate(
  node: ConstValueNode,
  issues: CompositionIssue[],
  roots: readonly TemplateRoot[] = FETCH_ROOTS,
): ArgTemplate | undefined {
  const template = (inner: ConstValueNode, found: CompositionIssue[]): ArgTemplate | undefined =>
    readTemplate(inner, found, roots);
  switch (node.kind) {
    case Kind.STRING: {
      const text = node.value;
      if (text.startsWith('$$')) return { kind: 'literal', value: text.slice(1), node };
      if (!text.startsWith('$')) return { kind: 'literal', value: text, node };
      const match = /^\$([a-z]+)\.(.*)$/s.exec(text);
      if (match === null || !roots.includes(match[1] as TemplateRoot)) {
        const known = roots.map((root) => `$${root}.`).join(', ');
        issues.push(
          issueAt(
            node,
            'BINDING_BAD_REFERENCE',
            `"${text}" is not a reference: only ${known} exist here.`,
            roots === FETCH_ROOTS
              ? 'write "$args.<name>" for an argument of the field, "$parent.<path>" for the parent\'s source value, "$caller.partner" for the caller\'s partner, or "$$..." for a literal that starts with "$".'
              : `write ${known} followed by a path, or "$$..." for a literal that starts with "$".`,
            stringOffset(node),
          ),
        );
        return undefined;
      }
      try {
        return {
          kind: 'ref',
          root: match[1] as TemplateRoot,
          path: parsePath(match[2] as string),
          node,
        };
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        issues.push(
          issueAt(
            node,
            'BINDING_BAD_REFERENCE',
            `"${text}" is not a valid reference: ${error.message}.`,
            'write field names separated by dots after $args. or $parent.',
            stringOffset(node) + match[1]!.length + 1 + error.column,
          ),
        );
        return undefined;
      }
    }
    case Kind.OBJECT: {
      const fields = new Map<string, { template: ArgTemplate; node: ValueNode }>();
      const each = roots.includes('item')
        ? node.fields.find((field) => field.name.value === EACH)
        : undefined;
      if (each !== undefined) {
        const over = template(each.value, issues);
        const item = template(
          { ...node, fields: node.fields.filter((field) => field !== each) },
          issues,
        );
        if (over === undefined || item === undefined) return undefined;
        if (over.kind !== 'ref') {
          issues.push(
            issueAt(
              each.value,
              'BINDING_BAD_REFERENCE',
              `${EACH} should be a reference to a list, e.g. "$args.input.lines".`,
              'write _each: "$args.<list>" and the element\'s fields as "$item.<field>".',
            ),
          );
          return undefined;
        }
        return { kind: 'each', over, item, node };
      }
      for (const field of node.fields) {
        const inner = template(field.value, issues);
        if (inner !== undefined)
          fields.set(field.name.value, { template: inner, node: field.value });
      }
      return { kind: 'object', fields, node };
    }
    case Kind.LIST: {
      const items = node.values.flatMap((value) => template(value, issues) ?? []);
      return { kind: 'list', items, node };
    }
    case Kind.INT:
      return { kind: 'literal', value: Number(node.value), node };
    case Kind.FLOAT:
      return { kind: 'literal', value: Number(node.value), node };
    case Kind.BOOLEAN:
      return { kind: 'literal', value: node.value, node };
    case Kind.NULL:
      return { kind: 'literal', value: null, node };
    case Kind.ENUM:
      return { kind: 'literal', value: node.value, node };
  }
}

function fetchBinding(
  directive: ConstDirectiveNode,
  issues: CompositionIssue[],
): FetchBinding | undefined {
  const source = stringArgument(directive, 'source');
  const operation = stringArgument(directive, 'operation');
  if (source === undefined || operation === undefined) return undefined; // SDL validation already reported it
  const args = new Map<string, { template: ArgTemplate; node: ValueNode }>();
  const argsNode = argument(directive, 'args');
  if (argsNode !== undefined && argsNode.kind !== Kind.OBJECT && argsNode.kind !== Kind.NULL) {
    issues.push(
      issueAt(
        argsNode,
        'BINDING_BAD_REFERENCE',
        `@fetch(args:) should be an object literal of the operation's arguments.`,
        'write args: { name: "$args.name" }.',
      ),
    );
  } else if (argsNode?.kind === Kind.OBJECT) {
    for (const field of argsNode.fields) {
      const value = readTemplate(field.value, issues);
      if (value !== undefined) args.set(field.name.value, { template: value, node: field.value });
    }
  }
  const path = pathArgument(directive, 'path', issues, '$');
  if (path === undefined) return undefined;
  return { source: source.value, operation: operation.value, args, path, node: directive };
}

/**
 * The bindings of one field. Problems inside a directive's own text (a
 * malformed path, reference or expression) go to `issues`; the directive is
 * then left out so later checks do not report the same thing twice.
 */
export function readFieldBinding(
  field: FieldDefinitionNode,
  issues: CompositionIssue[],
): FieldBinding {
  const binding: { -readonly [K in keyof FieldBinding]: FieldBinding[K] } = {};
  const before = issues.length;
  for (const directive of field.directives ?? []) {
    switch (directive.name.value) {
      case 'fetch': {
        const fetch = fetchBinding(directive, issues);
        if (fetch !== undefined) binding.fetch = fetch;
        break;
      }
      case 'from': {
        const path = pathArgument(directive, 'path', issues);
        if (path !== undefined) binding.from = { path, node: directive };
        break;
      }
      case 'compute': {
        const expr = stringArgument(directive, 'expr');
        if (expr === undefined) break;
        try {
          binding.compute = { expression: parseExpression(expr.value), node: directive };
        } catch (error) {
          if (!(error instanceof ExpressionError)) throw error;
          issues.push(
            issueAt(
              expr.node,
              'BINDING_BAD_EXPRESSION',
              `@compute(expr: "${expr.value}") is not a valid expression: ${error.message}.`,
              'see the expression grammar and functions in docs/directives.md.',
              stringOffset(expr.node) + error.column - 1,
            ),
          );
        }
        break;
      }
      case 'connection': {
        const items = pathArgument(directive, 'items', issues);
        const nextCursor = pathArgument(directive, 'nextCursor', issues);
        if (items !== undefined && nextCursor !== undefined)
          binding.connection = { items, nextCursor, node: directive };
        break;
      }
      case 'step':
      case 'answer':
        binding.write = readWriteDirective(directive, binding.write, issues);
        break;
      case 'invalidates': {
        const invalidation = readInvalidation(directive, issues);
        if (invalidation !== undefined)
          binding.invalidates = [...(binding.invalidates ?? []), invalidation];
        break;
      }
      default:
        break;
    }
  }
  if (issues.length > before) binding.broken = true;
  return binding;
}

/** The @entity key of a type node's directives, if any. */
export function entityKey(
  directives: readonly ConstDirectiveNode[] | undefined,
): { key: string; node: ConstDirectiveNode } | undefined {
  const directive = directives?.find((candidate) => candidate.name.value === 'entity');
  if (directive === undefined) return undefined;
  const key = stringArgument(directive, 'key');
  return key === undefined ? undefined : { key: key.value, node: directive };
}

/** The source values an enum value stands for (@enumFrom), besides its own name. */
export function enumSourceValues(
  directives: readonly ConstDirectiveNode[] | undefined,
): readonly string[] {
  const directive = directives?.find((candidate) => candidate.name.value === 'enumFrom');
  const values = directive === undefined ? undefined : argument(directive, 'values');
  if (values === undefined) return [];
  const list = values.kind === Kind.LIST ? values.values : [values];
  return list.flatMap((value) => (value.kind === Kind.STRING ? [value.value] : []));
}
