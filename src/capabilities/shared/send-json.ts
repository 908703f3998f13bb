import type { ServerResponse } from 'node:http';

/** A JSON answer of a capability's HTTP route (the API's, the evidence's keys): never cached. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json',
): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
