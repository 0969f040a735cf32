/**
 * Where a contract may load its other documents from (WSDL imports, XSD
 * includes, OpenAPI `$ref` to other files, proto imports). A contract is
 * data, possibly a hostile backend's: following its locations blindly lets it
 * make the gateway read `file:///etc/passwd` or a cloud metadata endpoint.
 *
 * The rule:
 * - a document may pull in documents from the contract's own origin (a URL
 *   contract) or its own folder and below (a file contract), or from a
 *   location the source's `contractAllow` lists (a URL prefix or a folder);
 * - whatever the allow-list says, never a link-local or cloud-metadata
 *   address, never a scheme other than http(s) and files, and never a local
 *   file named by a remote document.
 * A refusal is a ContractError CONTRACT_LOCATION_REFUSED naming the location.
 *
 * Hand-written: the rule is ours, and the checks are URL and path arithmetic
 * from the platform.
 */
import { isIP } from 'node:net';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContractError } from './errors.js';

/** Host names of cloud metadata services (AWS, GCP, Azure, Alibaba, Oracle, DigitalOcean...). */
const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  '100.100.100.200',
  '169.254.169.254',
  'fd00:ec2::254',
]);

const isUrl = (location: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(location);

/** An IPv4 address as its four numbers, including the IPv4-mapped IPv6 form (::ffff:169.254.1.1). */
function ipv4Parts(host: string): number[] | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  const address = mapped?.[1] ?? host;
  if (isIP(address) !== 4) return undefined;
  return address.split('.').map(Number);
}

/** Link-local (169.254/16, fe80::/10), unspecified and cloud-metadata addresses. */
export function isForbiddenHost(rawHost: string): boolean {
  const host = rawHost
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (METADATA_HOSTS.has(host)) return true;
  const v4 = ipv4Parts(host);
  if (v4 !== undefined) return (v4[0] === 169 && v4[1] === 254) || v4.every((part) => part === 0);
  if (isIP(host) === 6)
    return /^fe[89ab][0-9a-f]:/i.test(host) || host === '::' || /^fd00:ec2:/i.test(host);
  return false;
}

function inside(folder: string, file: string): boolean {
  const rel = relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** A file location from a path or a file: URL; undefined for anything else. */
function asFile(location: string): string | undefined {
  if (/^file:/i.test(location)) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  return isUrl(location) ? undefined : resolve(location);
}

export interface LocationPolicy {
  /**
   * Checks that `target`, named by the document at `from`, may be loaded.
   * @throws ContractError CONTRACT_LOCATION_REFUSED naming `target` and why
   */
  check(target: string, from: string): void;
}

/**
 * The policy of one contract.
 * @param root the contract's own location: an absolute path or an http(s) URL
 * @param allow extra locations: http(s) URL prefixes, or folders (relative to the working directory)
 */
export function createLocationPolicy(
  source: string,
  root: string,
  allow: readonly string[] = [],
): LocationPolicy {
  const rootUrl = isUrl(root) ? new URL(root) : undefined;
  const rootFolder = rootUrl === undefined ? dirname(resolve(root)) : undefined;
  const allowedUrls = allow.filter(isUrl).map((entry) => new URL(entry));
  const allowedFolders = allow.filter((entry) => !isUrl(entry)).map((entry) => resolve(entry));
  const refuse = (target: string, why: string): ContractError =>
    new ContractError({
      code: 'CONTRACT_LOCATION_REFUSED',
      source,
      location: target.slice(0, 300),
      safeMessage: `The contract of ${source} names ${JSON.stringify(target.slice(0, 200))}, which is refused: ${why}.`,
    });

  return {
    check(target, from) {
      const fromRemote = isUrl(from) && !/^file:/i.test(from);
      const file = asFile(target);
      if (file !== undefined) {
        if (fromRemote) throw refuse(target, 'a remote document may not name a local file');
        if (rootFolder !== undefined && inside(rootFolder, file)) return;
        if (allowedFolders.some((folder) => inside(folder, file))) return;
        throw refuse(
          target,
          `it is outside the contract's folder; list it in the source's contractAllow to load it`,
        );
      }
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        throw refuse(target, 'it is not a valid URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw refuse(target, `the scheme ${url.protocol} is not loaded`);
      if (isForbiddenHost(url.hostname))
        throw refuse(target, 'it is a link-local or cloud metadata address');
      if (rootUrl !== undefined && url.origin === rootUrl.origin) return;
      if (
        allowedUrls.some(
          (entry) => url.origin === entry.origin && url.pathname.startsWith(entry.pathname),
        )
      )
        return;
      throw refuse(
        target,
        `it is not on the contract's own origin; list it in the source's contractAllow to load it`,
      );
    },
  };
}
