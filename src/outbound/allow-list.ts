/**
 * True when `entry` (a `MIGRATE_BOT_ALLOWED_ENDPOINTS` URL) allows `url`: same origin, and under
 * its path when it names one. An allowed endpoint is the admin's to vouch for: requests to it skip
 * the internal-address rule (simulators and gateways on loopback or a private network).
 */
export function allowedBy(url: URL, entry: string): boolean {
  if (!URL.canParse(entry)) return false;
  const allowed = new URL(entry);
  if (allowed.origin !== url.origin) return false;
  const prefix = allowed.pathname.replace(/\/+$/, '');
  return prefix === '' || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
}

/** True when one entry of the allow-list allows `url`. */
export function allowListed(url: URL, allowList: readonly string[]): boolean {
  return allowList.some((entry) => allowedBy(url, entry));
}
