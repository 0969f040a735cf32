/**
 * A parsed SOAP response → the value GraphQL declared: numbers as numbers,
 * BigInt and Decimal as exact strings, lists as lists even when one element
 * came back, enums mapped to their GraphQL names, xsi:nil as null.
 * Elements are matched by local name, which tolerates servers that qualify
 * (or forget to qualify) elements differently from their own schema.
 */
import type { FieldShape, Shape } from './shapes.js';
import { EMPTY_FIELD } from './shapes.js';
import type { BodyPlan, ResultPlan } from './plan.js';
import { XSI_NS, type XmlElement } from './xml.js';

/** The response does not match the contract; the message names the field, never a value. */
export class ResponseShapeError extends Error {
  override name = 'ResponseShapeError';
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function isNil(element: XmlElement): boolean {
  // for...in rather than Object.entries: this runs for every element read, and most have no attributes.
  for (const key in element.attrs) {
    const value = element.attrs[key];
    if ((key === 'nil' || key.endsWith(':nil')) && (value === 'true' || value === '1')) {
      const prefix = key.includes(':') ? key.slice(0, key.indexOf(':')) : '';
      if (element.scope.get(prefix) === XSI_NS || prefix !== '') return true;
    }
  }
  return false;
}

function attributeValue(element: XmlElement, local: string): string | undefined {
  if (local in element.attrs) return element.attrs[local];
  const key = Object.keys(element.attrs).find((name) => name.endsWith(`:${local}`));
  return key === undefined ? undefined : element.attrs[key];
}

function scalarValue(shape: Shape, raw: string, path: string): unknown {
  if (shape.kind === 'enum') {
    const match =
      shape.values.find((v) => v.xml === raw) ?? shape.values.find((v) => v.xml === raw.trim());
    if (!match)
      throw new ResponseShapeError(`${path} holds a value that is not one of ${shape.name}'s.`);
    return match.graphql;
  }
  if (shape.kind !== 'scalar') return raw;
  const text = raw.trim();
  switch (shape.scalar) {
    case 'Int': {
      const n = Number(text);
      if (!INTEGER.test(text) || n < INT_MIN || n > INT_MAX)
        throw new ResponseShapeError(`${path} is not a 32-bit integer.`);
      return n;
    }
    case 'Float': {
      if (text === 'INF') return Number.POSITIVE_INFINITY;
      const n = Number(text);
      if (text === '' || Number.isNaN(n)) throw new ResponseShapeError(`${path} is not a number.`);
      return n;
    }
    case 'Boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw new ResponseShapeError(`${path} is not a boolean.`);
    case 'BigInt':
      if (!INTEGER.test(text)) throw new ResponseShapeError(`${path} is not an integer.`);
      return text.replace(/^\+/, '');
    case 'Decimal': {
      if (!DECIMAL.test(text)) throw new ResponseShapeError(`${path} is not a decimal.`);
      // Keep every digit; only normalise the forms XSD allows and our Decimal scalar does not ("+1", ".5", "5.").
      return text
        .replace(/^\+/, '')
        .replace(/^(-?)\./, '$10.')
        .replace(/\.$/, '');
    }
    case 'String':
    case 'ID':
      return raw;
    default:
      return text;
  }
}

/** Any element as JSON: attributes, text and children by local name (repeated names become lists). */
export function elementToJson(element: XmlElement): unknown {
  if (element.children.length === 0 && Object.keys(element.attrs).length === 0) return element.text;
  // Collected in a Map and turned into an object with Object.fromEntries, which defines own
  // properties: an element named __proto__ can never reach a prototype.
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(element.attrs)) out.set(`@${key}`, value);
  for (const child of element.children) {
    const value = elementToJson(child);
    const existing = out.get(child.local);
    if (existing === undefined) out.set(child.local, value);
    else if (Array.isArray(existing)) existing.push(value);
    else out.set(child.local, [existing, value]);
  }
  if (element.text.trim() !== '') out.set('#text', element.text);
  return Object.fromEntries(out);
}

function readValue(
  shape: Shape,
  element: XmlElement,
  path: string,
  missing: MissingValue,
): unknown {
  if (isNil(element)) return null;
  if (shape.kind === 'object') return readFields(shape.fields, element, path, missing);
  if (shape.kind === 'scalar' && shape.scalar === 'JSON') return elementToJson(element);
  return scalarValue(shape, element.text, path);
}

/** The element names a field list reads, for `any` (computed once per field list, not per element read). */
const knownNames = new WeakMap<readonly FieldShape[], ReadonlySet<string>>();

function knownNamesOf(fields: readonly FieldShape[]): ReadonlySet<string> {
  let known = knownNames.get(fields);
  if (known === undefined) {
    known = new Set(fields.filter((f) => f.role === 'element').map((f) => f.xmlName));
    knownNames.set(fields, known);
  }
  return known;
}

/**
 * What stands in for a required element or attribute that is absent.
 * Without it the field read as null, and a non-null field then failed as a
 * masked "Unexpected error." (issue 14). The operation passes one that
 * returns a SOURCE_BAD_RESPONSE Error: graphql-js fails that one field with
 * it, named, and the rest of the answer arrives, as REST's wrong-shape
 * values do (sources/rest/codec.ts).
 */
export type MissingValue = (path: string) => Error;

const throwMissing: MissingValue = (path) => {
  throw new ResponseShapeError(`${path} is missing, but the WSDL requires it.`);
};

export function readFields(
  fields: readonly FieldShape[],
  element: XmlElement,
  path: string,
  missing: MissingValue = throwMissing,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const at = `${path}.${field.name}`;
    switch (field.role) {
      case 'text':
        out[field.name] =
          field.name === EMPTY_FIELD ? true : scalarValue(field.shape, element.text, at);
        break;
      case 'attribute': {
        const raw = attributeValue(element, field.xmlName);
        out[field.name] =
          raw === undefined
            ? field.optional
              ? null
              : missing(at)
            : scalarValue(field.shape, raw, at);
        break;
      }
      case 'anyAttribute': {
        const other = Object.entries(element.attrs).filter(
          ([key]) =>
            !fields.some(
              (f) => f.role === 'attribute' && (key === f.xmlName || key.endsWith(`:${f.xmlName}`)),
            ) && !key.includes(':'),
        );
        out[field.name] = other.length ? Object.fromEntries(other) : null;
        break;
      }
      case 'any': {
        const known = knownNamesOf(fields);
        const extra = element.children.filter((child) => !known.has(child.local));
        out[field.name] = extra.length
          ? elementToJson({ ...element, attrs: {}, text: '', children: extra })
          : null;
        break;
      }
      case 'element': {
        if (field.list) {
          const values: unknown[] = [];
          for (const child of element.children)
            if (child.local === field.xmlName)
              values.push(readValue(field.shape, child, at, missing));
          out[field.name] = values;
        } else {
          const first = element.children.find((child) => child.local === field.xmlName);
          out[field.name] =
            first === undefined
              ? field.optional
                ? null
                : missing(at)
              : readValue(field.shape, first, at, missing);
        }
        break;
      }
    }
  }
  return out;
}

/** Reads the Body's content as `body` describes it, then presents it as `result` says. */
export function readResult(
  bodyElement: XmlElement,
  body: BodyPlan,
  result: ResultPlan,
  missing: MissingValue = throwMissing,
): unknown {
  let container: XmlElement = bodyElement;
  if (body.wrapper) {
    // The first element in the Body is the answer; its name is checked loosely, as many servers vary it.
    const wrapper = bodyElement.children[0];
    if (!wrapper) throw new ResponseShapeError('The SOAP Body is empty.');
    container = wrapper;
  }
  if (result.kind === 'empty') return true;
  const values = readFields(body.fields, container, 'result', missing);
  if (result.kind === 'field') return values[result.field.name] ?? (result.field.list ? [] : null);
  return values;
}
