/**
 * Reads a WSDL 1.1 and every document it pulls in: `wsdl:import`ed WSDLs,
 * the schemas in `wsdl:types`, and their `xs:import` / `xs:include`
 * (relative locations resolved against the document that names them).
 * Works from files or http(s) URLs; each document is read once. Every
 * document after the first is checked against the contract's location
 * policy (sources/common/contract-locations.ts) before it is read.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import {
  ContractError,
  createHttpClient,
  createLocationPolicy,
  isAddressRefused,
  ContractHttpStatus,
  contractReadReason,
  contractUnreadable,
} from '../common/index.js';
import {
  childrenNamed,
  parseXml,
  WSDL_NS,
  XmlRefusedError,
  XSD_NS,
  type XmlElement,
} from './xml.js';

/** One `xs:schema`, with the facts needed to qualify its names. */
export interface SchemaDocument {
  readonly element: XmlElement;
  /** After chameleon include: the including schema's namespace when this one has none. */
  readonly targetNamespace: string;
  readonly elementQualified: boolean;
  readonly attributeQualified: boolean;
  readonly location: string;
}

export interface LoadedContract {
  /** The WSDL named in the options first, then the ones it imports. */
  readonly wsdls: readonly XmlElement[];
  readonly schemas: readonly SchemaDocument[];
}

export const CONTRACT_LIMITS = Object.freeze({
  maxDocumentBytes: 20 * 1024 * 1024, // 20 MiB per WSDL or XSD
  maxDocuments: 200, // a larger web of imports is more likely a loop or an attack
  timeoutMs: 10_000, // 10 s per remote document
});

const isUrl = (location: string): boolean => /^https?:\/\//i.test(location);

/** Resolves `relative` against the document at `base` (a path or a URL). */
export function resolveLocation(base: string, relative: string): string {
  if (isUrl(relative)) return relative;
  if (isUrl(base)) return new URL(relative, base).toString();
  if (relative.startsWith('file://')) return new URL(relative).pathname;
  return isAbsolute(relative) ? relative : resolvePath(dirname(base), relative);
}

/**
 * @param allow locations besides the contract's own origin or folder that imports may load from (SoapSourceOptions.contractAllow)
 * @throws ContractError CONTRACT_UNREADABLE, CONTRACT_INVALID, CONTRACT_LOCATION_REFUSED
 */
export async function loadContract(
  source: string,
  location: string,
  allow: readonly string[] = [],
): Promise<LoadedContract> {
  const unreadable = (safeMessage: string, where: string, cause?: unknown): ContractError =>
    new ContractError({ code: 'CONTRACT_UNREADABLE', source, safeMessage, location: where, cause });
  let http: ReturnType<typeof createHttpClient> | undefined;
  const seen = new Set<string>();

  const read = async (where: string): Promise<XmlElement> => {
    if (seen.size >= CONTRACT_LIMITS.maxDocuments)
      throw unreadable(
        `The WSDL of ${source} pulls in more than ${CONTRACT_LIMITS.maxDocuments} documents.`,
        where,
      );
    seen.add(where);
    let body: Buffer;
    try {
      if (isUrl(where)) {
        http ??= createHttpClient({
          source,
          timeoutMs: CONTRACT_LIMITS.timeoutMs,
          maxResponseBytes: CONTRACT_LIMITS.maxDocumentBytes,
          connections: 4,
          guardAddresses: true,
        });
        const response = await http.send({
          operation: 'contract',
          method: 'GET',
          url: new URL(where),
        });
        if (response.status !== 200) throw new ContractHttpStatus(response.status);
        body = response.body;
      } else {
        const info = await stat(where);
        if (info.size > CONTRACT_LIMITS.maxDocumentBytes)
          throw contractUnreadable({
            source,
            location: where,
            reason: `${where} is larger than ${CONTRACT_LIMITS.maxDocumentBytes} bytes`,
          });
        body = await readFile(where);
      }
    } catch (cause) {
      if (cause instanceof ContractError) throw cause;
      if (isAddressRefused(cause)) {
        throw new ContractError({
          code: 'CONTRACT_LOCATION_REFUSED',
          source,
          location: where.slice(0, 300),
          safeMessage: `The contract of ${source} names ${JSON.stringify(where.slice(0, 200))}, which is refused: its host resolves to a link-local or cloud metadata address.`,
          cause,
        });
      }
      throw contractUnreadable({
        source,
        location: where,
        reason: contractReadReason(cause, where),
        cause,
      });
    }
    try {
      return parseXml(body, { maxDepth: 256 });
    } catch (cause) {
      const why = cause instanceof XmlRefusedError ? cause.message : 'It is not XML.';
      throw new ContractError({
        code: 'CONTRACT_INVALID',
        source,
        safeMessage: `A document of the WSDL of ${source} was refused: ${why}`,
        location: where,
        cause,
      });
    }
  };

  const schemas: SchemaDocument[] = [];
  const wsdls: XmlElement[] = [];

  const addSchema = async (
    element: XmlElement,
    where: string,
    chameleonNs?: string,
  ): Promise<void> => {
    const own = element.attrs.targetNamespace;
    const schema: SchemaDocument = {
      element,
      targetNamespace: own ?? chameleonNs ?? '',
      elementQualified: element.attrs.elementFormDefault === 'qualified',
      attributeQualified: element.attrs.attributeFormDefault === 'qualified',
      location: where,
    };
    schemas.push(schema);
    for (const child of element.children) {
      if (
        child.ns !== XSD_NS ||
        (child.local !== 'import' && child.local !== 'include' && child.local !== 'redefine')
      )
        continue;
      const schemaLocation = child.attrs.schemaLocation;
      // An import without schemaLocation names a namespace another schema of this contract defines.
      if (schemaLocation === undefined || schemaLocation === '') continue;
      const next = resolveLocation(where, schemaLocation);
      if (seen.has(next)) continue;
      policy.check(next, where);
      const root = await read(next);
      if (root.ns !== XSD_NS || root.local !== 'schema')
        throw new ContractError({
          code: 'CONTRACT_INVALID',
          source,
          safeMessage: `A schema imported by the WSDL of ${source} is not an XML Schema.`,
          location: next,
        });
      await addSchema(root, next, child.local === 'import' ? undefined : schema.targetNamespace);
    }
  };

  const addWsdl = async (root: XmlElement, where: string): Promise<void> => {
    if (root.ns !== WSDL_NS || root.local !== 'definitions') {
      throw new ContractError({
        code: 'CONTRACT_INVALID',
        source,
        safeMessage: `The contract of ${source} is not a WSDL 1.1 document (wsdl:definitions).`,
        location: where,
      });
    }
    wsdls.push(root);
    for (const types of childrenNamed(root, 'types', WSDL_NS)) {
      for (const schema of childrenNamed(types, 'schema', XSD_NS)) await addSchema(schema, where);
    }
    for (const imported of childrenNamed(root, 'import', WSDL_NS)) {
      const at = imported.attrs.location;
      if (at === undefined) continue;
      const next = resolveLocation(where, at);
      if (seen.has(next)) continue;
      policy.check(next, where);
      const doc = await read(next);
      if (doc.ns === XSD_NS && doc.local === 'schema') await addSchema(doc, next);
      else await addWsdl(doc, next);
    }
  };

  const start = isUrl(location) ? location : resolvePath(location);
  const policy = createLocationPolicy(source, start, allow);
  try {
    await addWsdl(await read(start), start);
  } finally {
    await http?.close();
  }
  return { wsdls, schemas };
}
