/**
 * The one place XML enters the SOAP source: contracts (WSDL, XSD) and
 * responses are parsed here into a small namespace-aware tree.
 *
 * fast-xml-parser does the tokenising (a maintained, dependency-light parser
 * with a depth cap). What it cannot promise alone is made sure of here:
 * - a DOCTYPE is refused before the parser sees a byte, so no DTD, no
 *   external entity (XXE) and no entity expansion (billion laughs) can exist;
 * - the parser's own entity processing is off (`processEntities: false`,
 *   `htmlEntities: false`); we decode only the five predefined XML entities
 *   and numeric character references ourselves, which can never expand;
 * - nesting depth is capped by the parser (`maxNestedTags`) while it reads.
 * Namespaces are resolved here because fast-xml-parser keeps prefixes as text.
 */
import { XMLParser } from 'fast-xml-parser';

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

export type XmlErrorReason = 'doctype' | 'depth' | 'malformed' | 'empty';

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
}

export const XML_DEFAULTS = Object.freeze({ maxDepth: 64 });

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';

function createParser(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true, // xs:sequence order and mixed sibling kinds must survive
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false, // values are typed by the schema, never guessed
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: CDATA,
    commentPropName: false,
    maxNestedTags: maxDepth,
  });
}

const parsers = new Map<number, XMLParser>();

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

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; anything else stays literal text. */
export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

/** Escapes text for element content and attribute values; refuses characters XML 1.0 cannot carry. */
export function escapeXml(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(value)) {
    throw new RangeError('The value holds a control character that XML 1.0 cannot carry.');
  }
  return value.replace(/[&<>"']/g, (char) => `&${char === '&' ? 'amp' : char === '<' ? 'lt' : char === '>' ? 'gt' : char === '"' ? 'quot' : 'apos'};`);
}

type RawNode = Record<string, unknown>;

function splitName(name: string): [prefix: string, local: string] {
  const colon = name.indexOf(':');
  return colon < 0 ? ['', name] : [name.slice(0, colon), name.slice(colon + 1)];
}

function toElement(name: string, raw: RawNode, parentScope: ReadonlyMap<string, string>): XmlElement {
  const rawAttrs = (raw[ATTRS] ?? {}) as Record<string, string>;
  let scope = parentScope;
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawAttrs)) {
    const decoded = decodeEntities(String(value));
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(key === 'xmlns' ? '' : key.slice(6), decoded);
    } else {
      attrs[key] = decoded;
    }
  }
  const [prefix, local] = splitName(name);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (raw[name] ?? []) as RawNode[]) {
    const childName = Object.keys(child).find((key) => key !== ATTRS);
    if (childName === undefined) continue;
    if (childName === TEXT) text += decodeEntities(String(child[TEXT]));
    else if (childName === CDATA) text += ((child[CDATA] ?? []) as RawNode[]).map((part) => String(part[TEXT] ?? '')).join('');
    else children.push(toElement(childName, child, scope));
  }
  return { ns: scope.get(prefix) ?? '', local, attrs, children, text, scope };
}

/**
 * Parses a document into its root element.
 * @throws XmlRefusedError for a DOCTYPE, nesting past `maxDepth`, malformed or empty XML
 */
export function parseXml(input: string | Buffer, options: ParseXmlOptions = {}): XmlElement {
  const text = stripProlog(typeof input === 'string' ? input : input.toString('utf8'));
  // Refused before parsing: a DTD is the only door to external entities and expansion bombs.
  if (/<!DOCTYPE/i.test(text)) throw new XmlRefusedError('doctype', 'The document declares a DOCTYPE, which is refused.');
  if (!text.startsWith('<')) throw new XmlRefusedError(text.length === 0 ? 'empty' : 'malformed', 'The document is not XML.');
  const maxDepth = options.maxDepth ?? XML_DEFAULTS.maxDepth;
  let parser = parsers.get(maxDepth);
  if (parser === undefined) {
    parser = createParser(maxDepth);
    parsers.set(maxDepth, parser);
  }
  let nodes: unknown;
  try {
    nodes = parser.parse(text, true);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/nest/i.test(message)) throw new XmlRefusedError('depth', `The document nests deeper than ${maxDepth} elements.`);
    throw new XmlRefusedError('malformed', 'The document is not well-formed XML.');
  }
  const roots = (Array.isArray(nodes) ? nodes : []) as RawNode[];
  for (const node of roots) {
    const name = Object.keys(node).find((key) => key !== ATTRS && key !== TEXT && key !== CDATA);
    if (name !== undefined) return toElement(name, node, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
  }
  throw new XmlRefusedError('empty', 'The document has no root element.');
}

/** Children of `element` with this namespace (or any, when `ns` is undefined) and local name. */
export function childrenNamed(element: XmlElement, local: string, ns?: string): XmlElement[] {
  return element.children.filter((child) => child.local === local && (ns === undefined || child.ns === ns));
}

export function firstChild(element: XmlElement, local: string, ns?: string): XmlElement | undefined {
  return element.children.find((child) => child.local === local && (ns === undefined || child.ns === ns));
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
