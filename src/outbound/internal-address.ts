import { isIP } from 'node:net';

/**
 * Loopback, private, link-local (cloud metadata), shared (CGNAT), multicast, unspecified and in-cluster
 * hosts: where no request made on someone's word may go. An IPv4 address inside IPv6 (`::ffff:a.b.c.d`,
 * `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged itself, so `[64:ff9b::7f00:1]` is
 * loopback. A trailing dot (`localhost.`) names the same host, so it is dropped first.
 */
export function isInternalHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/\.+$/, '');
  if (host === '') return true;
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  if (host.endsWith('.internal') || host.endsWith('.svc') || host.endsWith('.cluster.local')) return true;
  const family = isIP(host);
  if (family === 4) return isInternalV4(host.split('.').map(Number));
  if (family === 6) return isInternalV6(host);
  // Not an address: a bare name (no dot) is resolved inside the bot's network.
  return !host.includes('.');
}

function isInternalV4([a = 0, b = 0, c = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 || // multicast, reserved, broadcast
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && c === 0) || // protocol assignments (NAT64 discovery among them)
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

function isInternalV6(host: string): boolean {
  const words = ipv6Words(host);
  if (!words) return true; // isIP said IPv6 but it does not expand: refuse rather than guess
  const [w0 = 0, w1 = 0] = words;
  const v4 = (i: number) => [words[i]! >> 8, words[i]! & 0xff, words[i + 1]! >> 8, words[i + 1]! & 0xff];
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zeros(0, 8)) return true; // ::
  if (zeros(0, 7) && words[7] === 1) return true; // ::1
  if (zeros(0, 5) && words[5] === 0xffff) return isInternalV4(v4(6)); // IPv4-mapped
  if (zeros(0, 6)) return isInternalV4(v4(6)); // IPv4-compatible (deprecated)
  if (w0 === 0x64 && w1 === 0xff9b) return zeros(2, 6) ? isInternalV4(v4(6)) : true; // NAT64 (local use: refused)
  if (w0 === 0x2002) return isInternalV4(v4(1)); // 6to4
  if (w0 === 0x2001 && w1 === 0) return true; // Teredo: its IPv4 address is obfuscated, never a receiver
  // Unique local fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8.
  return (w0 & 0xfe00) === 0xfc00 || (w0 & 0xffc0) === 0xfe80 || (w0 & 0xffc0) === 0xfec0 || w0 >> 8 === 0xff;
}

/** The eight 16-bit words of an IPv6 address (with `::` and a dotted IPv4 tail), or undefined. */
function ipv6Words(text: string): number[] | undefined {
  let host = text.replace(/%.*$/, ''); // a zone id names an interface, not an address
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    host = `${host.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = host.split('::');
  if (halves.length > 2) return undefined;
  const part = (s: string | undefined) => (s ? s.split(':').map((w) => Number.parseInt(w, 16)) : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const words = [...head, ...Array<number>(Math.max(0, fill)).fill(0), ...tail];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)
    ? words
    : undefined;
}
