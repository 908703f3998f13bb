import type { Dispatcher } from 'undici';
import { DEFAULT_MAX_RESPONSE_BYTES, ResponseTooSlowError, readCappedText } from './capped-body.js';
import type { HttpResponse, OutgoingRequest, PoolRegistry } from './http-client.js';

/** How a request's bytes move; each reads at most the bytes a provider answer may have. */
export type Transport = (request: OutgoingRequest) => Promise<HttpResponse>;

/**
 * The production transport: a keep-alive undici pool per origin. A whole call has one deadline
 * (`bodyDeadlineMs`, from sending to the last byte): undici's own timeouts are limits between
 * events, and it starts its headers timeout again at every informational (1xx) answer it skips, so
 * an endpoint sending `103 Early Hints` forever held a call, its lane and the watcher's cycle.
 */
export function poolTransport(pools: PoolRegistry): Transport {
  return async (request) => {
    const deadlineMs = pools.bodyDeadlineMs;
    const started = performance.now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), deadlineMs);
    let res: Dispatcher.ResponseData;
    try {
      res = await pools.get(request.url.origin).request({
        method: request.method,
        path: request.pathWithQuery,
        headers: request.headers,
        body: request.body,
        signal: abort.signal,
      });
    } catch (error) {
      if (abort.signal.aborted) throw new ResponseTooSlowError(deadlineMs);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const left = Math.max(1, deadlineMs - (performance.now() - started));
    const text = await readCappedText(res.body, pools.maxResponseBytes, headers['content-length'], left);
    return { status: res.statusCode, headers, text };
  };
}

/** Goes through `globalThis.fetch`, which nock intercepts: for fixture tests built from the seeds. */
export const fetchTransport: Transport = async (request) => {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  const body = res.body
    ? readCappedText(res.body, DEFAULT_MAX_RESPONSE_BYTES, headers['content-length'])
    : '';
  return { status: res.status, headers, text: await body };
};
