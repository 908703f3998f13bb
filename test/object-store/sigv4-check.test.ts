import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStoreSimulator } from '../../dev/simulators/object-store/index.js';

// The simulator's SigV4 check (written from AWS's documents) against AWS's own signer: what was
// signed passes, and a request changed after signing (path, query, a signed header, the body) or
// signed too long ago is refused with S3's code.

const AK = 'SIMSIGV4ACCESSKEY001';
const SK = 'sim-sigv4-secret-key-000000000000000001';
let sim: ObjectStoreSimulator;

/** The hash constructor the signer takes (SHA-256, or HMAC-SHA256 with a secret), on node:crypto. */
class Sha256 {
  #h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#h.digest());
  }
  reset(): void {}
}

beforeAll(async () => {
  sim = await new ObjectStoreSimulator({ keys: { [AK]: { secret: SK } } }).start();
  sim.putObject('b', 'a key/ü+1.txt', 'hello');
});
afterAll(async () => {
  await sim.stop();
});

async function signed(
  method: string,
  path: string,
  query: Record<string, string>,
  body = '',
  at = new Date(),
) {
  const url = new URL(sim.url);
  const signer = new SignatureV4({
    service: 's3',
    region: 'eu-west-1',
    credentials: { accessKeyId: AK, secretAccessKey: SK },
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  return signer.sign(
    {
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path,
      query,
      headers: {
        host: url.host,
        'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
        'x-amz-meta-note': 'signed',
      },
      body,
    },
    { signingDate: at },
  );
}

async function send(
  request: Awaited<ReturnType<typeof signed>>,
  change: { path?: string; query?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const query = change.query ?? new URLSearchParams(request.query as Record<string, string>).toString();
  const answer = await fetch(`${sim.url}${change.path ?? request.path}${query ? `?${query}` : ''}`, {
    method: request.method,
    headers: { ...(request.headers as Record<string, string>), ...change.headers },
    ...(request.method === 'PUT' ? { body: change.body ?? (request.body as string) } : {}),
  });
  const text = await answer.text();
  return { status: answer.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

describe('the object store simulator’s SigV4 check', () => {
  it('takes what AWS’s signer signed, path and query encoded once', async () => {
    const get = await signed('GET', '/b/a%20key/%C3%BC%2B1.txt', {});
    expect(await send(get)).toEqual({ status: 200, code: undefined });
    const list = await signed('GET', '/b', { 'list-type': '2', prefix: 'a k' });
    expect((await send(list)).status).toBe(200);
  });

  it('refuses a request changed after signing, or signed too long ago', async () => {
    const list = await signed('GET', '/b', { 'list-type': '2', prefix: 'a' });
    expect(await send(list, { query: 'list-type=2&prefix=b' })).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    expect(await send(list, { path: '/c' })).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(await send(list, { headers: { 'x-amz-meta-note': 'changed' } })).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    const put = await signed('PUT', '/b/new.txt', {}, 'the body');
    expect(await send(put, { body: 'another body' })).toMatchObject({
      status: 400,
      code: 'XAmzContentSHA256Mismatch',
    });
    expect((await send(put)).status).toBe(200);
    const old = await signed('GET', '/b', { 'list-type': '2' }, '', new Date(Date.now() - 20 * 60_000));
    expect(await send(old)).toMatchObject({ status: 403, code: 'RequestTimeTooSkewed' });
  });
});
