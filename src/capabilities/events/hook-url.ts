import { isIP } from 'node:net';
import { allowedBy } from '../../connections/endpoint-policy.js';

/** Why a webhook URL was refused: its `webhook.error.<reason>` message says so in the reader's words. */
export type HookUrlRefusal = 'notUrl' | 'https' | 'credentials' | 'fragment' | 'port' | 'private';

/**
 * The endpoint rules of provider endpoints, for a webhook's URL (it is typed into Slack, and the
 * bot then sends requests there): https on the default port, no credentials in it, and no
 * loopback, private, link-local or metadata address, unless an admin allow-listed it in
 * MIGRATE_BOT_ALLOWED_ENDPOINTS (a receiver on loopback in tests and development). A query string
 * is allowed (receivers route on it); a fragment is never sent, so it is refused.
 */
export function checkHookUrl(
  value: string,
  allowList: readonly string[],
): { ok: true; url: string } | { ok: false; reason: HookUrlRefusal } {
  const text = value.trim().replace(/^<(.*)>$/, '$1');
  if (!URL.canParse(text)) return { ok: false, reason: 'notUrl' };
  const url = new URL(text);
  if (!/^https?:$/.test(url.protocol)) return { ok: false, reason: 'https' };
  if (url.username || url.password) return { ok: false, reason: 'credentials' };
  if (url.hash) return { ok: false, reason: 'fragment' };
  if (allowList.some((entry) => allowedBy(url, entry))) return { ok: true, url: url.href };
  if (url.protocol !== 'https:') return { ok: false, reason: 'https' };
  if (url.port !== '') return { ok: false, reason: 'port' };
  if (isInternalHost(url.hostname)) return { ok: false, reason: 'private' };
  return { ok: true, url: url.href };
}

/** Loopback, private, link-local (metadata), unspecified and in-cluster names and addresses. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  if (host.endsWith('.internal') || host.endsWith('.svc') || host.endsWith('.cluster.local')) return true;
  const family = isIP(host);
  if (family === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (family === 6) {
    if (host === '::' || host === '::1') return true;
    if (host.startsWith('::ffff:')) return true; // an IPv4 address in IPv6 form: none is a public receiver
    return /^(fc|fd|fe8|fe9|fea|feb)/.test(host);
  }
  // Not an address: a bare name (no dot) is resolved inside the bot's network.
  return !host.includes('.');
}
