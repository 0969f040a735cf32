/**
 * A SOAP backend for tests: a real HTTP server on 127.0.0.1:0 that parses
 * each request envelope with fast-xml-parser (the library the demo erp
 * uses), resolves every element's namespace from the xmlns declarations in
 * scope, records the body as an ordered tree of `{namespace}local` names and
 * lexical values, and answers the canned body the test gives for the
 * operation. Tests assert what the server parsed: names, namespaces, order,
 * attributes and text exactly as they were on the wire.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { track } from '../../../harness/index.js';

/** One parsed element: `{namespace}local` name, attributes by `{namespace}local` name, text, children in order. */
export interface ParsedElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly text: string;
  readonly children: ParsedElement[];
}

export interface ParsedEnvelope {
  readonly contentType: string;
  readonly soapAction: string | undefined;
  readonly path: string;
  /** The children of soap:Body. */
  readonly body: ParsedElement[];
}

export interface RecordingSoapServer {
  readonly url: string;
  readonly received: ParsedEnvelope[];
  close(): Promise<void>;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

type OrderedNode = Record<string, unknown>;

function qualify(
  prefixed: string,
  scope: ReadonlyMap<string, string>,
  isAttribute: boolean,
): string {
  const [prefix, local] = prefixed.includes(':')
    ? (prefixed.split(':') as [string, string])
    : ['', prefixed];
  // Unprefixed attributes are in no namespace (Namespaces in XML, 6.2); unprefixed elements take the default one.
  const uri = prefix === '' && isAttribute ? '' : (scope.get(prefix) ?? '');
  return `{${uri}}${local}`;
}

function toElement(
  node: OrderedNode,
  parentScope: ReadonlyMap<string, string>,
): ParsedElement | undefined {
  const tag = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
  if (tag === undefined) return undefined;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  const scope = new Map(parentScope);
  for (const [name, value] of Object.entries(rawAttributes)) {
    if (name === 'xmlns') scope.set('', value);
    else if (name.startsWith('xmlns:')) scope.set(name.slice(6), value);
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawAttributes))
    if (name !== 'xmlns' && !name.startsWith('xmlns:'))
      attributes[qualify(name, scope, true)] = value;
  const content = (node[tag] ?? []) as OrderedNode[];
  const children: ParsedElement[] = [];
  let text = '';
  for (const child of content) {
    if (typeof child['#text'] === 'string') text += child['#text'];
    else {
      const element = toElement(child, scope);
      if (element) children.push(element);
    }
  }
  return {
    name: qualify(tag, scope, false),
    attributes,
    text: children.length > 0 ? text.trim() : text,
    children,
  };
}

export function parseEnvelope(xml: string): ParsedElement[] {
  const roots = (parser.parse(xml) as OrderedNode[])
    .map((node) => toElement(node, new Map()))
    .filter((e): e is ParsedElement => e !== undefined);
  const envelope = roots.find((e) => e.name.endsWith('}Envelope'));
  return envelope?.children.find((e) => e.name.endsWith('}Body'))?.children ?? [];
}

/** A compact view of a parsed element for assertions: `name: text` for leaves, `name: [children]` otherwise, attributes as `@name`. */
export function compact(element: ParsedElement): unknown {
  const attributes = Object.entries(element.attributes).map(([name, value]) => ({
    [`@${name}`]: value,
  }));
  if (element.children.length === 0)
    return attributes.length === 0
      ? { [element.name]: element.text }
      : { [element.name]: [...attributes, element.text] };
  return { [element.name]: [...attributes, ...element.children.map(compact)] };
}

/**
 * @param answers the SOAP 1.1 Body content to answer, by the request's first body element local name.
 */
export async function startRecordingSoapServer(
  answers: Record<string, string>,
): Promise<RecordingSoapServer> {
  const received: ParsedEnvelope[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = parseEnvelope(Buffer.concat(chunks).toString('utf8'));
      received.push({
        contentType: String(req.headers['content-type']),
        soapAction: req.headers.soapaction as string | undefined,
        path: req.url ?? '',
        body,
      });
      const local = body[0]?.name.replace(/^\{[^}]*\}/, '') ?? '';
      const answer = Object.hasOwn(answers, local) ? answers[local] : undefined;
      if (answer === undefined)
        return void res
          .writeHead(500, { 'content-type': 'text/xml' })
          .end(
            '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>no answer</faultstring></soap:Fault></soap:Body></soap:Envelope>',
          );
      res
        .writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${answer}</soap:Body></soap:Envelope>`,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  return track(
    {
      url: `http://127.0.0.1:${port}`,
      received,
      close: async () => {
        if (closed) return;
        closed = true;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    },
    'recording soap server',
  );
}
