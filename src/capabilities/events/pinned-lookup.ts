import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { isInternalHost } from './hook-url.js';

/** What resolves a host name to its addresses (node:dns by default; tests give their own). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** A receiver's name resolved to a loopback, private, link-local or metadata address. */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';
  readonly code = 'EPRIVATEADDRESS';
}

/**
 * A lookup for the connection itself: the name is resolved once, every address is checked with
 * the endpoint rules, and the socket connects to the address checked, so a public name that
 * resolves (or is rebound between the check and the connection) to an internal address is refused.
 */
export function pinnedLookup(resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const internal = addresses.find((a) => isInternalHost(a.address));
        if (addresses.length === 0 || internal) {
          const error = new PrivateAddressError(`${hostname} resolves to an internal address`);
          callback(error as NodeJS.ErrnoException, '', 0);
          return;
        }
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
        else callback(null, usable[0]?.address ?? '', usable[0]?.family ?? 4);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/** The dispatcher webhooks are sent through: every connection's address checked as it is made. */
export function pinnedAgent(resolve?: Resolve): Agent {
  return new Agent({ connect: { lookup: pinnedLookup(resolve) } });
}
