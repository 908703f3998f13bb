import { InvalidInputError, type LocalizedMessage } from '../errors.js';
import { allowListed } from '../outbound/allow-list.js';
import type { EndpointRule } from '../providers/definition.js';
import type { ProviderId } from '../providers/provider-ids.js';
import { providerDefinition } from '../providers/registry.js';

/**
 * SSRF guard for endpoints typed into Slack: the bot sends signed requests (and Huawei IAM a password)
 * there, so one must be a provider's documented host (`connect.endpoint`/`iamEndpoint` in
 * `providers/<id>/definition.ts`) over HTTPS on the default port, or allow-listed in
 * `MIGRATE_BOT_ALLOWED_ENDPOINTS`. Connections as code are not checked: whoever runs the bot wrote them.
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

/** A refusal says why in English (logs) and by catalogue key (the reader's language). */
export type EndpointVerdict =
  | { ok: true; url: string }
  | { ok: false; message: string; localized: LocalizedMessage };

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
  const refuse = (message: string, key: string, values: Record<string, string> = {}): EndpointVerdict => ({
    ok: false,
    message,
    localized: { key: `endpoint.error.${key}`, values: { kind, example: expected.example, ...values } },
  });
  const text = value.trim();
  if (!URL.canParse(text)) return refuse(`${what} is not a URL: use e.g. ${expected.example}`, 'notUrl');
  const url = new URL(text);
  if (!/^https?:$/.test(url.protocol))
    return refuse(`${what} must start with https:// (e.g. ${expected.example}).`, 'https');
  if (url.username || url.password)
    return refuse(
      `${what} may not contain a user name or password; credentials go in their own fields.`,
      'credentials',
    );
  if (url.search || url.hash)
    return refuse(`${what} may not have a query string or fragment: use e.g. ${expected.example}`, 'query');
  const normalized = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (allowListed(url, allowList)) return { ok: true, url: normalized };
  if (url.protocol !== 'https:')
    return refuse(`${what} must use https:// (e.g. ${expected.example}).`, 'mustHttps');
  if (url.port !== '')
    return refuse(`${what} must use the default HTTPS port: drop ":${url.port}".`, 'port', {
      port: url.port,
    });
  if (!expected.pattern.test(url.hostname)) {
    const name = expected.name ?? provider;
    return refuse(
      `${url.hostname} is not a ${name} host (expected e.g. ${expected.example}). ` +
        'Other hosts need an admin to add them to MIGRATE_BOT_ALLOWED_ENDPOINTS.',
      'host',
      { host: url.hostname, name },
    );
  }
  if (url.pathname !== '/' && url.pathname !== '')
    return refuse(`${what} is the host only, without a path: ${url.origin}`, 'path', { origin: url.origin });
  return { ok: true, url: url.origin };
}
