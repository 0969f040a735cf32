/**
 * One WSDL message → what goes in the SOAP Body and how GraphQL sees it.
 *
 * - document/literal wrapped, or bare with one element part of complex type:
 *   the part element wraps the fields; its fields are the arguments.
 * - document/literal bare with several parts (or a simple-typed element):
 *   each part element sits directly in the Body; each part is an argument.
 * - rpc/literal: an element named after the operation, in the soap:body
 *   namespace, wraps one unqualified element per part (WS-I BP 1.1 §4.7.20).
 */
import {
  toFieldName,
  toTypeName,
  createNameAllocator,
  type ValueConstraint,
} from '../common/index.js';
import type { FieldShape, ObjectShape, Shape, ShapeRegistry } from './shapes.js';
import { EMPTY_FIELD } from './shapes.js';
import type { MessagePart, WsdlOperation } from './wsdl.js';

export interface BodyPlan {
  /** The element that wraps `fields` in the Body, when there is one. */
  readonly wrapper: { readonly ns: string; readonly local: string } | undefined;
  readonly fields: readonly FieldShape[];
  /** The object shape of the whole body content (for a result that cannot be unwrapped). */
  readonly shape: ObjectShape | undefined;
}

/** How the answer is presented: one field unwrapped, the whole object, or just `true`. */
export type ResultPlan =
  | { readonly kind: 'field'; readonly field: FieldShape }
  | { readonly kind: 'object'; readonly shape: ObjectShape }
  | { readonly kind: 'empty' };

const JSON_SHAPE: Shape = { kind: 'scalar', scalar: 'JSON' };

const constrained = (constraint: ValueConstraint | undefined): { constraint?: ValueConstraint } =>
  constraint === undefined ? {} : { constraint };

export function planBody(
  op: WsdlOperation,
  parts: readonly MessagePart[],
  registry: ShapeRegistry,
  direction: 'input' | 'output',
): BodyPlan {
  const context = `operation ${op.name}`;
  if (op.style === 'document' && parts.length === 1 && parts[0]?.element) {
    const part = parts[0];
    const element = part.element as NonNullable<MessagePart['element']>;
    const found = registry.elementShape(element);
    if (found?.shape.kind === 'object') {
      const fields = found.shape.fields.filter((field) => field.name !== EMPTY_FIELD);
      return { wrapper: { ns: found.ns, local: found.local }, fields, shape: found.shape };
    }
  }
  const names = createNameAllocator();
  const fields: FieldShape[] = parts.map((part) => {
    if (part.element) {
      const found = registry.elementShape(part.element);
      if (!found)
        registry.warnings.push({
          path: context,
          message: `Element ${part.element.local} of ${op.name} is not defined in the contract; it is read as JSON.`,
        });
      return {
        name: names.claim(toFieldName(op.style === 'rpc' ? part.name : part.element.local)),
        xmlName: part.element.local,
        ns: part.element.ns,
        role: 'element',
        list: false,
        optional: found?.nillable ?? true,
        nillable: found?.nillable ?? false,
        shape: found?.shape ?? JSON_SHAPE,
        ...constrained(found ? registry.elementConstraint(part.element, context) : undefined),
      };
    }
    const shape = part.type ? registry.typeShape(part.type, context) : JSON_SHAPE;
    return {
      name: names.claim(toFieldName(part.name)),
      xmlName: part.name,
      ns: '',
      role: 'element',
      list: false,
      optional: false,
      nillable: false,
      shape,
      ...constrained(part.type ? registry.typeConstraint(part.type, context) : undefined),
    };
  });
  const wrapper =
    op.style === 'rpc'
      ? { ns: op.rpcNamespace, local: direction === 'input' ? op.name : `${op.name}Response` }
      : undefined;
  let shape: ObjectShape | undefined;
  if (fields.length > 1) {
    const name = registry.typeNames.claim(
      `${toTypeName(op.name)}${direction === 'input' ? 'Request' : 'Response'}`,
    );
    shape = { kind: 'object', name, inputName: registry.typeNames.claim(`${name}Input`), fields };
    (registry.created as Array<ObjectShape>).push(shape);
  }
  return { wrapper, fields, shape };
}

/** A response with one element is answered as that element, so `getItem` returns `Item`, not `GetItemResponse`. */
export function planResult(body: BodyPlan): ResultPlan {
  const elements = body.fields.filter((field) => field.name !== EMPTY_FIELD);
  if (elements.length === 0) return { kind: 'empty' };
  if (elements.length === 1 && elements[0]?.role === 'element')
    return { kind: 'field', field: elements[0] };
  if (body.shape) return { kind: 'object', shape: body.shape };
  return { kind: 'field', field: elements[0] as FieldShape };
}
