import { STATUS_CODES } from 'node:http';
import type { App } from '@slack/bolt';
import { request } from 'undici';

/**
 * The `fetch` Bolt's `respond` posts an answer to an interaction's `response_url` with: undici's
 * `request` instead of the global `fetch`. Every command and button answers this way, and the
 * global `fetch` builds web streams, a `Request` and a copy of the body (`cloneRequest`, for
 * redirects) per post: about three times the CPU, taken from the acks of requests arriving
 * meanwhile. Bolt reads only `ok`, `status` and `statusText` of the answer; its body is drained
 * unread (Slack answers `ok`). A redirect is an answer that is not ok (Slack's response_url does
 * not redirect), so it fails the post as any other refusal does.
 */
export async function respondFetch(url: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  if (typeof url !== 'string' && !(url instanceof URL)) throw new TypeError('respondFetch takes a URL');
  const answer = await request(url, {
    method: (init.method ?? 'GET') as 'POST',
    headers: init.headers as Record<string, string> | undefined,
    body: init.body as string | undefined,
    signal: init.signal ?? undefined,
  });
  await answer.body.dump();
  const status = answer.statusCode;
  return { ok: status >= 200 && status < 300, status, statusText: STATUS_CODES[status] ?? '' } as Response;
}

/**
 * Points Bolt's `respond` at `respondFetch`. Bolt keeps the function `respond` uses in the App's
 * `fetchFn` (`clientOptions.fetch` would also replace the Web API client's, which needs a whole
 * `Response`); when a Bolt version no longer has it, `respond` keeps the global `fetch`.
 */
export function respondWithUndici(app: App): boolean {
  const boltApp = app as unknown as { fetchFn?: unknown };
  if (typeof boltApp.fetchFn !== 'function') return false;
  boltApp.fetchFn = respondFetch;
  return true;
}
