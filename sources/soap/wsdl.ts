/**
 * WSDL 1.1 → the operations to expose: one per portType operation, through
 * one SOAP binding per portType (SOAP 1.1 preferred unless configured),
 * with its style, SOAPAction, address and message parts.
 */
import type { SourceWarning } from '../common/index.js';
import {
  childrenNamed,
  firstChild,
  HTTP_BINDING_NS,
  qnameKey,
  resolveQName,
  SOAP11_BINDING_NS,
  SOAP12_BINDING_NS,
  WSDL_NS,
  type QName,
  type XmlElement,
} from './xml.js';

export type SoapVersion = '1.1' | '1.2';

export interface MessagePart {
  readonly name: string;
  readonly element?: QName;
  readonly type?: QName;
}

export interface WsdlOperation {
  /** As written in the portType, e.g. "GetItem". */
  readonly name: string;
  readonly soapVersion: SoapVersion;
  readonly style: 'document' | 'rpc';
  readonly soapAction: string;
  /** soap:address of a port that uses the binding, when the contract names one. */
  readonly address: string | undefined;
  /** rpc only: the namespace of the operation's wrapper elements (soap:body namespace). */
  readonly rpcNamespace: string;
  readonly input: readonly MessagePart[];
  readonly output: readonly MessagePart[];
  readonly description: string | undefined;
}

export interface WsdlSummary {
  readonly operations: readonly WsdlOperation[];
  readonly warnings: readonly SourceWarning[];
  /** The first soap:address of the preferred version, for `url`'s default. */
  readonly defaultAddress: string | undefined;
}

interface BindingInfo {
  readonly element: XmlElement;
  readonly version: SoapVersion | 'http' | 'unknown';
  readonly style: 'document' | 'rpc';
  readonly portType: string;
  readonly address: string | undefined;
}

function docText(element: XmlElement): string | undefined {
  const text = firstChild(element, 'documentation', WSDL_NS)?.text.trim().replace(/\s+/g, ' ');
  return text ? text.slice(0, 500) : undefined;
}

/** Reads operations from every WSDL document of the contract. */
export function readWsdl(wsdls: readonly XmlElement[], prefer: SoapVersion): WsdlSummary {
  const warnings: SourceWarning[] = [];
  const messages = new Map<string, readonly MessagePart[]>();
  const portTypes = new Map<string, XmlElement>();
  const addresses = new Map<string, string>();
  const bindings: Array<Omit<BindingInfo, 'address'> & { key: string; name: string }> = [];

  for (const wsdl of wsdls) {
    const tns = wsdl.attrs.targetNamespace ?? '';
    for (const message of childrenNamed(wsdl, 'message', WSDL_NS)) {
      const parts = childrenNamed(message, 'part', WSDL_NS).map((part) => ({
        name: part.attrs.name ?? 'part',
        element: part.attrs.element ? resolveQName(part, part.attrs.element) : undefined,
        type: part.attrs.type ? resolveQName(part, part.attrs.type) : undefined,
      }));
      messages.set(qnameKey({ ns: tns, local: message.attrs.name ?? '' }), parts);
    }
    for (const portType of childrenNamed(wsdl, 'portType', WSDL_NS))
      portTypes.set(qnameKey({ ns: tns, local: portType.attrs.name ?? '' }), portType);
    for (const binding of childrenNamed(wsdl, 'binding', WSDL_NS)) {
      const soap11 = firstChild(binding, 'binding', SOAP11_BINDING_NS);
      const soap12 = firstChild(binding, 'binding', SOAP12_BINDING_NS);
      const http = firstChild(binding, 'binding', HTTP_BINDING_NS);
      const soap = soap11 ?? soap12;
      bindings.push({
        key: qnameKey({ ns: tns, local: binding.attrs.name ?? '' }),
        name: binding.attrs.name ?? '',
        element: binding,
        version: soap11 ? '1.1' : soap12 ? '1.2' : http ? 'http' : 'unknown',
        style: soap?.attrs.style === 'rpc' ? 'rpc' : 'document',
        portType: binding.attrs.type ? qnameKey(resolveQName(binding, binding.attrs.type)) : '',
      });
    }
    for (const service of childrenNamed(wsdl, 'service', WSDL_NS)) {
      for (const port of childrenNamed(service, 'port', WSDL_NS)) {
        const address =
          firstChild(port, 'address', SOAP11_BINDING_NS) ??
          firstChild(port, 'address', SOAP12_BINDING_NS);
        const location = address?.attrs.location;
        if (location && port.attrs.binding) {
          const key = qnameKey(resolveQName(port, port.attrs.binding));
          if (!addresses.has(key)) addresses.set(key, location);
        }
      }
    }
  }

  const operations: WsdlOperation[] = [];
  let defaultAddress: string | undefined;
  const portTypeKeys = [...new Set(bindings.map((binding) => binding.portType))];
  for (const portTypeKey of portTypeKeys) {
    const candidates = bindings.filter((binding) => binding.portType === portTypeKey);
    const soap = candidates.filter(
      (binding) => binding.version === '1.1' || binding.version === '1.2',
    );
    for (const skipped of candidates.filter(
      (binding) => binding.version === 'http' || binding.version === 'unknown',
    )) {
      warnings.push({
        path: `binding ${skipped.name}`,
        message: `Binding ${skipped.name} is not a SOAP binding (${skipped.version === 'http' ? 'HTTP GET/POST' : 'unknown kind'}); it is skipped.`,
      });
    }
    const chosen = soap.find((binding) => binding.version === prefer) ?? soap[0];
    const portType = portTypes.get(portTypeKey);
    if (!chosen || !portType) continue;
    const address = addresses.get(chosen.key);
    defaultAddress ??= address;
    const bindingOps = new Map(
      childrenNamed(chosen.element, 'operation', WSDL_NS).map((op) => [op.attrs.name ?? '', op]),
    );
    for (const op of childrenNamed(portType, 'operation', WSDL_NS)) {
      const name = op.attrs.name ?? '';
      const bindingOp = bindingOps.get(name);
      const bindingNs = chosen.version === '1.1' ? SOAP11_BINDING_NS : SOAP12_BINDING_NS;
      const soapOp = bindingOp ? firstChild(bindingOp, 'operation', bindingNs) : undefined;
      const body = bindingOp
        ? firstChild(firstChild(bindingOp, 'input', WSDL_NS) ?? bindingOp, 'body', bindingNs)
        : undefined;
      const inputEl = firstChild(op, 'input', WSDL_NS);
      const outputEl = firstChild(op, 'output', WSDL_NS);
      if (!bindingOp) {
        warnings.push({
          path: `operation ${name}`,
          message: `Operation ${name} has no entry in binding ${chosen.name}; it is skipped.`,
        });
        continue;
      }
      if (body?.attrs.use === 'encoded') {
        warnings.push({
          path: `operation ${name}`,
          message: `Operation ${name} uses rpc/encoded (SOAP section 5 encoding), which is not supported; it is skipped.`,
        });
        continue;
      }
      if (!inputEl) {
        warnings.push({
          path: `operation ${name}`,
          message: `Operation ${name} is a notification (no input); it is skipped.`,
        });
        continue;
      }
      const partsOf = (io: XmlElement | undefined): readonly MessagePart[] =>
        io?.attrs.message ? (messages.get(qnameKey(resolveQName(io, io.attrs.message))) ?? []) : [];
      operations.push({
        name,
        soapVersion: chosen.version as SoapVersion,
        style:
          soapOp?.attrs.style === 'rpc'
            ? 'rpc'
            : soapOp?.attrs.style === 'document'
              ? 'document'
              : chosen.style,
        soapAction: soapOp?.attrs.soapAction ?? '',
        address,
        rpcNamespace: body?.attrs.namespace ?? '',
        input: partsOf(inputEl),
        output: partsOf(outputEl),
        description: docText(op),
      });
    }
  }
  return { operations, warnings, defaultAddress };
}
