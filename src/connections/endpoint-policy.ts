import { InvalidInputError } from '../errors.js';
import type { EndpointRule } from '../providers/definition.js';
import type { ProviderId } from '../providers/provider-ids.js';
import { providerDefinition } from '../providers/registry.js';

/**
 * SSRF guard for endpoints typed into Slack. The bot sends signed requests (and, for Huawei IAM, a
 * password) to a connection's endpoint, so a user-supplied endpoint must be one of the provider's
 * documented hosts over HTTPS on the default port, unless an admin allow-listed it in
 * `MIGRATE_BOT_ALLOWED_ENDPOINTS` (simulators, private gateways). Connections configured as code
 * are not checked: the file is written by whoever runs the bot.
 *
 * The documented hosts are declared by each provider (`connect.endpoint`, `connect.iamEndpoint` in
 * `providers/<id>/definition.ts`).
 */
export type EndpointKind = 'api' | 'iam';

function ruleFor(provider: ProviderId, kind: EndpointKind): EndpointRule {
  const connect = providerDefinition(provider).connect;
  const rule = kind === 'iam' ? connect.iamEndpoint : connect.endpoint;
  if (!rule) throw new InvalidInputError(`${provider} has no ${kind} endpoint.`);
  return rule;
}

export function defaultEndpoint(provider: ProviderId, kind: EndpointKind = 'api'): string | undefined {
  return ruleFor(provider, kind).default;
}

export function endpointExample(provider: ProviderId, kind: EndpointKind = 'api'): string {
  return ruleFor(provider, kind).example;
}

export type EndpointVerdict = { ok: true; url: string } | { ok: false; message: string };

/** Parses the allow-list: comma-separated http(s) URLs; each allows its origin (and path prefix). */
export function parseAllowList(value: string | undefined): { entries: URL[]; problems: string[] } {
  const entries: URL[] = [];
  const problems: string[] = [];
  for (const raw of (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
      problems.push(
        `"${raw.slice(0, 80)}" must be an http(s) URL such as http://127.0.0.1:9101 (no credentials or query)`,
      );
    } else entries.push(url);
  }
  return { entries, problems };
}

/**
 * Checks an endpoint a user typed. Returns the normalized URL (no trailing slash) or a message that
 * says exactly why it was refused and what is accepted.
 */
export function checkEndpoint(
  provider: ProviderId,
  kind: EndpointKind,
  value: string,
  allowList: readonly string[],
): EndpointVerdict {
  const what = kind === 'iam' ? 'The IAM endpoint' : 'The endpoint';
  const expected = ruleFor(provider, kind);
  const text = value.trim();
  if (!URL.canParse(text))
    return { ok: false, message: `${what} is not a URL: use e.g. ${expected.example}` };
  const url = new URL(text);
  if (!/^https?:$/.test(url.protocol))
    return { ok: false, message: `${what} must start with https:// (e.g. ${expected.example}).` };
  if (url.username || url.password)
    return {
      ok: false,
      message: `${what} may not contain a user name or password; credentials go in their own fields.`,
    };
  if (url.search || url.hash)
    return {
      ok: false,
      message: `${what} may not have a query string or fragment: use e.g. ${expected.example}`,
    };
  const normalized = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (allowList.some((entry) => allowedBy(url, entry))) return { ok: true, url: normalized };
  if (url.protocol !== 'https:')
    return { ok: false, message: `${what} must use https:// (e.g. ${expected.example}).` };
  if (url.port !== '')
    return { ok: false, message: `${what} must use the default HTTPS port: drop ":${url.port}".` };
  if (!expected.pattern.test(url.hostname)) {
    const name = expected.name ?? provider;
    return {
      ok: false,
      message:
        `${url.hostname} is not a ${name} host (expected e.g. ${expected.example}). ` +
        'Other hosts need an admin to add them to MIGRATE_BOT_ALLOWED_ENDPOINTS.',
    };
  }
  if (url.pathname !== '/' && url.pathname !== '')
    return { ok: false, message: `${what} is the host only, without a path: ${url.origin}` };
  return { ok: true, url: url.origin };
}

function allowedBy(url: URL, entry: string): boolean {
  if (!URL.canParse(entry)) return false;
  const allowed = new URL(entry);
  if (allowed.origin !== url.origin) return false;
  const prefix = allowed.pathname.replace(/\/+$/, '');
  return prefix === '' || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
}
