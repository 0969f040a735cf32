/**
 * GraphQL arguments → a SOAP envelope. Written by hand rather than with
 * XMLBuilder because element order (xs:sequence), namespace prefixes and
 * xsi:nil all come from the shapes; every value passes through escapeXml,
 * so no argument can open or close an element.
 */
import type { FieldShape, Shape } from './shapes.js';
import { EMPTY_FIELD } from './shapes.js';
import type { BodyPlan } from './plan.js';
import type { SoapVersion } from './wsdl.js';
import { escapeXml, SOAP11_ENV_NS, SOAP12_ENV_NS, XSI_NS } from './xml.js';

/** A caller's value that cannot be written as the contract asks. */
export class EnvelopeInputError extends Error {
  override name = 'EnvelopeInputError';
}

const NCNAME = /^[A-Za-z_][\w.-]*$/;

interface Writer {
  prefixOf(ns: string): string;
  readonly declarations: Map<string, string>;
}

function createWriter(): Writer {
  const declarations = new Map<string, string>();
  return {
    declarations,
    prefixOf(ns) {
      let prefix = declarations.get(ns);
      if (prefix === undefined) {
        prefix = `ns${declarations.size + 1}`;
        declarations.set(ns, prefix);
      }
      return prefix;
    },
  };
}

function scalarText(shape: Shape, value: unknown, path: string): string {
  if (shape.kind === 'enum') {
    const match =
      shape.values.find((v) => v.graphql === value) ?? shape.values.find((v) => v.xml === value);
    if (!match)
      throw new EnvelopeInputError(
        `${path} must be one of ${shape.values.map((v) => v.graphql).join(', ')}.`,
      );
    return escapeXml(match.xml);
  }
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  throw new EnvelopeInputError(
    `${path} must be a ${shape.kind === 'scalar' ? shape.scalar : 'value'}, not ${value === null ? 'null' : typeof value}.`,
  );
}

function writeJsonElements(value: unknown, path: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object' || Array.isArray(value))
    throw new EnvelopeInputError(`${path} must be an object of element names to values.`);
  let out = '';
  for (const [key, inner] of Object.entries(value)) {
    if (!NCNAME.test(key))
      throw new EnvelopeInputError(`${path} has a key that is not an XML name.`);
    for (const item of Array.isArray(inner) ? inner : [inner]) {
      out +=
        typeof item === 'object' && item !== null
          ? `<${key}>${writeJsonElements(item, `${path}.${key}`)}</${key}>`
          : `<${key}>${item === null ? '' : escapeXml(String(item))}</${key}>`;
    }
  }
  return out;
}

function elementName(writer: Writer, field: FieldShape): string {
  return field.ns ? `${writer.prefixOf(field.ns)}:${field.xmlName}` : field.xmlName;
}

function writeContent(
  writer: Writer,
  shape: Shape,
  value: unknown,
  path: string,
): { attrs: string; body: string } {
  if (shape.kind !== 'object') {
    if (
      shape.kind === 'scalar' &&
      shape.scalar === 'JSON' &&
      typeof value === 'object' &&
      value !== null
    )
      return { attrs: '', body: writeJsonElements(value, path) };
    return { attrs: '', body: scalarText(shape, value, path) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new EnvelopeInputError(`${path} must be an object.`);
  return writeFields(writer, shape.fields, value as Record<string, unknown>, path);
}

export function writeFields(
  writer: Writer,
  fields: readonly FieldShape[],
  values: Readonly<Record<string, unknown>>,
  path: string,
): { attrs: string; body: string } {
  let attrs = '';
  let body = '';
  for (const field of fields) {
    if (field.name === EMPTY_FIELD || field.role === 'anyAttribute') continue;
    const value = values[field.name];
    const at = `${path}.${field.name}`;
    if (value === undefined || (value === null && !field.nillable)) continue;
    if (field.role === 'attribute') {
      const name = field.ns ? `${writer.prefixOf(field.ns)}:${field.xmlName}` : field.xmlName;
      attrs += ` ${name}="${scalarText(field.shape, value, at)}"`;
      continue;
    }
    if (field.role === 'text') {
      body += scalarText(field.shape, value, at);
      continue;
    }
    if (field.role === 'any') {
      body += writeJsonElements(value, at);
      continue;
    }
    const name = elementName(writer, field);
    const items = field.list && Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item === null || item === undefined) {
        if (field.nillable) body += `<${name} ${writer.prefixOf(XSI_NS)}:nil="true"/>`;
        continue;
      }
      const inner = writeContent(writer, field.shape, item, at);
      body += `<${name}${inner.attrs}>${inner.body}</${name}>`;
    }
  }
  return { attrs, body };
}

export interface EnvelopeInit {
  readonly version: SoapVersion;
  readonly body: BodyPlan;
  readonly args: Readonly<Record<string, unknown>>;
  /** Ready-made header blocks (WS-Security), already escaped. */
  readonly headers?: readonly string[];
}

/** @throws EnvelopeInputError when an argument cannot be written as the contract asks */
export function buildEnvelope(init: EnvelopeInit): string {
  const writer = createWriter();
  const envNs = init.version === '1.1' ? SOAP11_ENV_NS : SOAP12_ENV_NS;
  let content: string;
  const inner = writeFields(writer, init.body.fields, init.args, 'arguments');
  if (init.body.wrapper) {
    const { ns, local } = init.body.wrapper;
    const name = ns ? `${writer.prefixOf(ns)}:${local}` : local;
    content = `<${name}${inner.attrs}>${inner.body}</${name}>`;
  } else {
    content = inner.body;
  }
  const xmlns = [...writer.declarations]
    .map(([ns, prefix]) => ` xmlns:${prefix}="${escapeXml(ns)}"`)
    .join('');
  const header = init.headers?.length ? `<soap:Header>${init.headers.join('')}</soap:Header>` : '';
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${envNs}"${xmlns}>${header}<soap:Body>${content}</soap:Body></soap:Envelope>`;
}
