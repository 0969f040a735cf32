/**
 * Name resolution for contract fetches that refuses link-local and cloud
 * metadata addresses. The location policy (contract-locations.ts) checks
 * the name a contract gives; a hostile contract can name a host it controls
 * whose DNS answer is 169.254.169.254, or changes between the check and the
 * connection (rebinding). Checking the address the socket is about to use,
 * inside the lookup that `net.connect` calls, closes both.
 */
import {
  lookup as dnsLookup,
  type LookupAddress,
  type LookupAllOptions,
  type LookupOptions,
} from 'node:dns';
import { isForbiddenHost } from './contract-locations.js';

/** The code of the error a refused address fails the connection with. */
export const ADDRESS_REFUSED = 'ERR_SWITCHBOARD_ADDRESS_REFUSED';

type Callback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;
type Resolve = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const resolveAll: Resolve = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `lookup` for `net.connect` (undici passes it through its `connect`
 * options). Resolves every address of the name and refuses the name when any
 * of them is forbidden, so a round-robin answer cannot slip one in.
 * @param resolve the resolver; the system's by default
 */
export function createGuardedLookup(resolve: Resolve = resolveAll) {
  return (hostname: string, options: LookupOptions, callback: Callback): void => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) return callback(error, []);
      if (addresses.some(({ address }) => isForbiddenHost(address))) {
        const refused: NodeJS.ErrnoException = new Error(
          `${hostname.slice(0, 100)} resolves to a link-local or cloud metadata address`,
        );
        refused.code = ADDRESS_REFUSED;
        return callback(refused, []);
      }
      if (options.all === true) return callback(null, addresses);
      const first = addresses[0];
      if (first === undefined) {
        const none: NodeJS.ErrnoException = new Error(`${hostname.slice(0, 100)} has no address`);
        none.code = 'ENOTFOUND';
        return callback(none, []);
      }
      callback(null, first.address, first.family);
    });
  };
}

/** True when the error (or one of its causes) is a refused address. */
export function isAddressRefused(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  if ((error as { code?: unknown }).code === ADDRESS_REFUSED) return true;
  return isAddressRefused((error as { cause?: unknown }).cause, depth + 1);
}
