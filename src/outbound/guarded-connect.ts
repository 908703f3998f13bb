import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { isInternalHost } from './internal-address.js';

/** What resolves a host name to its addresses (node:dns by default; tests give their own). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** A host resolved to (or written as) a loopback, private, link-local or metadata address. */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';
  readonly code = 'EPRIVATEADDRESS';
}

/** True for the refusal of this module, however a client wrapped it (undici's `cause`). */
export function isPrivateAddressError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e instanceof PrivateAddressError || (e as { code?: unknown }).code === 'EPRIVATEADDRESS') return true;
  return false;
}

/**
 * A host written as an address is connected to without any lookup, so it is judged here: the
 * refusal, or undefined when it is a name (judged by the lookup) or a public address.
 */
export function refusedLiteral(host: string): PrivateAddressError | undefined {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) && isInternalHost(bare)
    ? new PrivateAddressError(`${bare} is an internal address`)
    : undefined;
}

/**
 * A lookup for the connection itself: the name is resolved once, every address is checked with
 * the endpoint rules, and the socket connects to the address checked, so a public name that
 * resolves (or is rebound between the check and the connection) to an internal address is refused.
 */
export function pinnedLookup(resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    // An in-cluster or local name (`*.internal`, `*.svc`, `*.local`, a bare name) is refused as
    // written: split-horizon DNS may give it any address, public ones included.
    if (isInternalHost(hostname)) {
      callback(new PrivateAddressError(`${hostname} is an internal name`) as NodeJS.ErrnoException, '', 0);
      return;
    }
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

/**
 * An undici dispatcher whose every connection is checked as it is made: a name by the pinned
 * lookup, an address as written (undici connects to an address without a lookup).
 */
export function guardedAgent(resolve?: Resolve): Agent {
  return new Agent({ connect: guardedConnector({}, resolve) });
}

/** An undici connector (for an `Agent` or a `Pool`) that checks every connection it makes. */
export function guardedConnector(
  options: buildConnector.BuildOptions,
  resolve?: Resolve,
): buildConnector.connector {
  const connector = buildConnector({ ...options, lookup: pinnedLookup(resolve) });
  return (target, callback) => {
    const refused = refusedLiteral(target.hostname);
    if (refused) callback(refused, null);
    else connector(target, callback);
  };
}

type CreateConnection = (
  options: object,
  callback: (error: Error | null, socket?: Socket) => void,
) => unknown;

/**
 * Node's http(s) agents (the S3 SDK's transport), checked the same way: a name through the pinned
 * lookup, an address before the socket is made. Keep-alive, as the SDK's own agents.
 */
export function guardedNodeAgents(resolve?: Resolve): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const lookup = pinnedLookup(resolve);
  const guard = (agent: HttpAgent | HttpsAgent) => {
    const own = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
    (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, callback) => {
      const host = (options as { host?: string; hostname?: string }).host ?? '';
      const refused = refusedLiteral(host);
      if (refused) {
        callback(refused);
        return undefined;
      }
      return own({ ...options, lookup }, callback);
    };
    return agent;
  };
  return {
    httpAgent: guard(new HttpAgent({ keepAlive: true, maxSockets: 50 })) as HttpAgent,
    httpsAgent: guard(new HttpsAgent({ keepAlive: true, maxSockets: 50 })) as HttpsAgent,
  };
}
