import { allowListed } from '../../outbound/allow-list.js';
import { isInternalHost } from '../../outbound/internal-address.js';

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
  if (allowListed(url, allowList)) return { ok: true, url: url.href };
  if (url.protocol !== 'https:') return { ok: false, reason: 'https' };
  if (url.port !== '') return { ok: false, reason: 'port' };
  if (isInternalHost(url.hostname)) return { ok: false, reason: 'private' };
  return { ok: true, url: url.href };
}
