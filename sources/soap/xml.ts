/**
 * The one place XML enters the SOAP source: contracts (WSDL, XSD) and
 * responses are parsed here into a small namespace-aware tree.
 *
 * saxes does the reading: a maintained, spec-conformant, non-validating
 * streaming parser that checks well-formedness and namespaces (XML 1.0 and
 * Namespaces in XML). We build our tree straight from its events in one pass,
 * which is over four times cheaper than fast-xml-parser's validator, own tree
 * and second conversion (bench/soap-parse.ts). Made sure of here:
 * - a DOCTYPE is refused before the parser sees a byte, so no DTD, no
 *   external entity (XXE) and no entity expansion (billion laughs) can exist
 *   (saxes itself never reads entity declarations nor fetches anything either);
 * - only the five predefined entities and character references are decoded
 *   (saxes knows no others); any other reference stays literal text, as it did
 *   with our earlier parsers, rather than failing the whole answer;
 * - nesting depth is capped while reading: parsing stops at the first element
 *   past `maxDepth`, and so is the number of elements (`maxElements`);
 * - answers from backends are parsed a slice at a time (`parseXmlInSlices`),
 *   yielding to the event loop between slices, with a bound on parsing time;
 * - names that are dangerous as object keys (`__proto__`, `constructor`,
 *   `prototype`) are refused as element and attribute names.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
export const SOAP11_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';
export const SOAP12_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap12/';
export const HTTP_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/http/';
export const SOAP11_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENV_NS = 'http://www.w3.org/2003/05/soap-envelope';

/** One element: its namespace, local name, attributes (by qualified name as written) and children. */
export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside this element (text and CDATA). */
  readonly text: string;
  /** The in-scope prefix → namespace map, for resolving QName values such as type="tns:Item". */
  readonly scope: ReadonlyMap<string, string>;
}

export type XmlErrorReason =
  'doctype' | 'depth' | 'elements' | 'time' | 'encoding' | 'malformed' | 'empty';

/** XML that this module refuses to read; `reason` says which rule it broke. */
export class XmlRefusedError extends Error {
  constructor(
    readonly reason: XmlErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'XmlRefusedError';
  }
}

export interface ParseXmlOptions {
  /** Deepest nesting of elements accepted. @default 64 */
  maxDepth?: number;
  /** Most elements accepted in one document. @default no limit for parseXml, 200000 for parseXmlInSlices */
  maxElements?: number;
}

export const XML_DEFAULTS = Object.freeze({
  maxDepth: 64,
  maxElements: 200_000,
  maxParseMs: 1_000, // 1 s of parsing, waiting between slices not counted
  sliceChars: 64 * 1024, // ~1 ms of parsing per slice
});

/**
 * Strips what comes before the root element and carries no meaning: a BOM,
 * whitespace, comments and an XML declaration that is not first (a common
 * flaw of hand-edited WSDLs).
 */
function stripProlog(text: string): string {
  let rest = text.replace(/^\uFEFF/, '');
  for (;;) {
    const trimmed = rest.trimStart();
    if (trimmed.startsWith('<!--')) {
      const end = trimmed.indexOf('-->');
      if (end < 0) return trimmed;
      rest = trimmed.slice(end + 3);
    } else if (trimmed.startsWith('<?')) {
      const end = trimmed.indexOf('?>');
      if (end < 0) return trimmed;
      rest = trimmed.slice(end + 2);
    } else {
      return trimmed;
    }
  }
}

/** Escapes text for element content and attribute values; refuses characters XML 1.0 cannot carry. */
export function escapeXml(value: string): string {
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(value)) {
    throw new RangeError('The value holds a control character that XML 1.0 cannot carry.');
  }
  return value.replace(
    /[&<>"']/g,
    (char) =>
      `&${char === '&' ? 'amp' : char === '<' ? 'lt' : char === '>' ? 'gt' : char === '"' ? 'quot' : 'apos'};`,
  );
}

function splitName(name: string): [prefix: string, local: string] {
  const colon = name.indexOf(':');
  return colon < 0 ? ['', name] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** The scope above every root: the `xml` prefix is bound by definition. */
const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([
  ['xml', 'http://www.w3.org/XML/1998/namespace'],
]);

/** Names that would be dangerous as object keys downstream; refused as element and attribute names. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** A name as shown in a message: a hostile document may send a name of any length. */
const shown = (name: string): string => (name.length > 40 ? `${name.slice(0, 40)}…` : name);

/**
 * saxes reports a reference to an entity nobody declared (`&nbsp;`) as an
 * error, then carries on with the reference as literal text. That is the one
 * report we let pass: such text was always kept literally, never expanded.
 */
const UNDEFINED_ENTITY = /undefined entity\.$/;

/** saxes prefixes its messages with `line:column: `; we say the line ourselves. */
const SAXES_POSITION = /^\d+:\d+: /;

/** saxes' report of a document without a root element. */
const NO_ROOT = /document must contain a root element\.$/;

/** The element under construction: the same object becomes the XmlElement. */
interface OpenElement {
  ns: string;
  local: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  scope: ReadonlyMap<string, string>;
}

/** saxes' reasons quote names from the document, which may be of any length: cut them short. */
const malformed = (why: string, line: number): XmlRefusedError =>
  new XmlRefusedError(
    'malformed',
    `The document is not well-formed XML: ${why.length > 100 ? `${why.slice(0, 100)}…` : why} (line ${line}).`,
  );

/** Builds the element for one start tag, in the scope of its parent. */
function toElement(
  tag: SaxesTagNS,
  parentScope: ReadonlyMap<string, string>,
  line: number,
): OpenElement {
  if (RESERVED_NAMES.has(tag.local))
    throw malformed(`the element name ${shown(tag.name)} is reserved`, line);
  let scope = parentScope;
  for (const prefix in tag.ns) {
    if (scope === parentScope) scope = new Map(parentScope);
    (scope as Map<string, string>).set(prefix, tag.ns[prefix] ?? '');
  }
  const attrs: Record<string, string> = {};
  for (const name in tag.attributes) {
    const attr = tag.attributes[name];
    if (attr === undefined || attr.prefix === 'xmlns' || name === 'xmlns') continue;
    if (RESERVED_NAMES.has(attr.local))
      throw malformed(`the attribute name ${shown(name)} is reserved`, line);
    attrs[name] = attr.value;
  }
  return { ns: tag.uri, local: tag.local, attrs, children: [], text: '', scope };
}

/** A tree being built from saxes' events; `finish()` returns its root. */
interface TreeBuilder {
  readonly parser: SaxesParser;
  finish(): XmlElement;
}

/**
 * Wires saxes' events to a new tree. A refusal is thrown from inside an
 * event handler, which stops the parser where it stands.
 */
function createTreeBuilder(maxDepth: number, maxElements: number): TreeBuilder {
  const parser = new SaxesParser({ xmlns: true });
  const stack: OpenElement[] = [];
  let root: OpenElement | undefined;
  let elements = 0;
  parser.on('error', (error) => {
    if (UNDEFINED_ENTITY.test(error.message)) return;
    if (NO_ROOT.test(error.message))
      throw new XmlRefusedError('empty', 'The document has no root element.');
    throw malformed(error.message.replace(SAXES_POSITION, ''), parser.line);
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= maxDepth)
      throw new XmlRefusedError('depth', `The document nests deeper than ${maxDepth} elements.`);
    elements += 1;
    if (elements > maxElements)
      throw new XmlRefusedError('elements', `The document has more than ${maxElements} elements.`);
    const parent = stack[stack.length - 1];
    const element = toElement(tag, parent ? parent.scope : ROOT_SCOPE, parser.line);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (chunk: string): void => {
    const current = stack[stack.length - 1];
    if (current) current.text += chunk;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  return {
    parser,
    finish() {
      parser.close();
      if (!root) throw new XmlRefusedError('empty', 'The document has no root element.');
      return root;
    },
  };
}

/** The text after the prolog, with the DOCTYPE refusal and the first-character check every parse makes. */
function prepare(input: string | Buffer): string {
  const text = stripProlog(typeof input === 'string' ? input : input.toString('utf8'));
  // Refused before parsing: a DTD is the only door to external entities and expansion bombs.
  if (/<!DOCTYPE/i.test(text))
    throw new XmlRefusedError('doctype', 'The document declares a DOCTYPE, which is refused.');
  if (!text.startsWith('<'))
    throw new XmlRefusedError(
      text.length === 0 ? 'empty' : 'malformed',
      'The document is not XML.',
    );
  return text;
}

/**
 * Parses a document into its root element, in one go. For contracts and
 * small documents; answers from backends go through `parseXmlInSlices`.
 * @throws XmlRefusedError for a DOCTYPE, nesting past `maxDepth`, more than `maxElements`, malformed or empty XML
 */
export function parseXml(input: string | Buffer, options: ParseXmlOptions = {}): XmlElement {
  const text = prepare(input);
  const builder = createTreeBuilder(
    options.maxDepth ?? XML_DEFAULTS.maxDepth,
    options.maxElements ?? Number.POSITIVE_INFINITY,
  );
  builder.parser.write(text);
  return builder.finish();
}

export interface SliceOptions extends ParseXmlOptions {
  /** Most time spent parsing (not waiting between slices), in ms. @default 1000 */
  maxParseMs?: number;
  /** Characters parsed before yielding to the event loop. @default 65536 */
  sliceChars?: number;
}

/**
 * Parses a document a slice at a time, yielding to the event loop between
 * slices, so a large answer does not stall every other request the gateway
 * is serving; the time spent parsing is bounded (`maxParseMs`), and so is
 * the number of elements.
 * @throws XmlRefusedError as parseXml, and with reason "time" past `maxParseMs`
 */
export async function parseXmlInSlices(
  input: string,
  options: SliceOptions = {},
): Promise<XmlElement> {
  const text = prepare(input);
  const builder = createTreeBuilder(
    options.maxDepth ?? XML_DEFAULTS.maxDepth,
    options.maxElements ?? XML_DEFAULTS.maxElements,
  );
  const maxParseMs = options.maxParseMs ?? XML_DEFAULTS.maxParseMs;
  const sliceChars = options.sliceChars ?? XML_DEFAULTS.sliceChars;
  let spentMs = 0;
  for (let at = 0; at < text.length; at += sliceChars) {
    const started = performance.now();
    builder.parser.write(text.slice(at, at + sliceChars));
    spentMs += performance.now() - started;
    if (spentMs > maxParseMs)
      throw new XmlRefusedError('time', `The document took more than ${maxParseMs} ms to parse.`);
    if (at + sliceChars < text.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return builder.finish();
}

/** Children of `element` with this namespace (or any, when `ns` is undefined) and local name. */
export function childrenNamed(element: XmlElement, local: string, ns?: string): XmlElement[] {
  return element.children.filter(
    (child) => child.local === local && (ns === undefined || child.ns === ns),
  );
}

export function firstChild(
  element: XmlElement,
  local: string,
  ns?: string,
): XmlElement | undefined {
  return element.children.find(
    (child) => child.local === local && (ns === undefined || child.ns === ns),
  );
}

/** A resolved qualified name, written `{ns}local` when used as a map key. */
export interface QName {
  readonly ns: string;
  readonly local: string;
}

export const qnameKey = (name: QName): string => `{${name.ns}}${name.local}`;

/** Resolves a QName-valued attribute ("tns:Item") in the scope of `element`. */
export function resolveQName(element: XmlElement, value: string): QName {
  const [prefix, local] = splitName(value.trim());
  return { ns: element.scope.get(prefix) ?? (prefix === '' ? '' : prefix), local };
}
