import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIST_LIMITS, MAX_ANSWER_BYTES } from '../../src/object-store/bounded-answers.js';
import { ObjectStoreError } from '../../src/object-store/object-store.js';
import { S3ObjectStore } from '../../src/object-store/s3-object-store.js';

// Issue 73, item 2: a hostile S3 endpoint on loopback (allow-listed, so only the bounds stand in
// its way). Answers that say "truncated" with the same token and no objects were followed for 1,344
// pages; a 96 MiB listing took a replica from 180 to 3,788 MiB. Every listing is bounded in pages,
// time (the bot's clock, moved by the store), repeated tokens and empty pages, and every answer
// read whole in size. Each hostile bucket ends its listing after `GIVE_UP` pages, so a client
// without the bounds finishes "successfully" and the test fails rather than hangs.

const GIVE_UP = 120;
const MiB = 1024 * 1024;
const requests = new Map<string, number>();
let written = 0;
let clock = 0;
let server: Server;
let url = '';

const page = (o: { truncated: boolean; token?: string; keys?: string[] }) =>
  '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
  `<Name>b</Name><Prefix></Prefix><KeyCount>${o.keys?.length ?? 0}</KeyCount><MaxKeys>1000</MaxKeys>` +
  (o.keys ?? []).map((k) => `<Contents><Key>${k}</Key><Size>1</Size><ETag>"e"</ETag></Contents>`).join('') +
  `<IsTruncated>${o.truncated}</IsTruncated>` +
  (o.token ? `<NextContinuationToken>${o.token}</NextContinuationToken>` : '') +
  '</ListBucketResult>';

/** Writes `bytes` of listing (or of an error body) with back-pressure, stopping when the client hangs up. */
async function flood(res: ServerResponse, bytes: number, status = 200): Promise<void> {
  res.writeHead(status, { 'content-type': 'application/xml' });
  const entry = `<Contents><Key>${'k'.repeat(200)}</Key><Size>1</Size></Contents>`;
  const chunk = entry.repeat(Math.ceil((64 * 1024) / entry.length));
  res.write(
    status === 200
      ? page({ truncated: false }).replace('</ListBucketResult>', '')
      : '<Error><Code>x</Code><Message>',
  );
  for (let sent = 0; sent < bytes && !res.destroyed; sent += chunk.length) {
    written += chunk.length;
    if (!res.write(chunk))
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go).off('close', go);
          resolve();
        };
        res.on('drain', go).on('close', go);
      });
  }
  if (!res.destroyed) res.end(status === 200 ? '</ListBucketResult>' : '</Message></Error>');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const at = new URL(req.url ?? '/', 'http://x');
    const bucket = at.pathname.split('/')[1] ?? '';
    const n = (requests.get(bucket) ?? 0) + 1;
    requests.set(bucket, n);
    const done = n >= GIVE_UP;
    const send = (body: string) => res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
    if (bucket === 'same') send(page({ truncated: !done, token: 'again' }));
    else if (bucket === 'empty') send(page({ truncated: !done, token: `t${n}` }));
    else if (bucket === 'slow') {
      clock += 10 * 60_000; // each page takes ten minutes of the bot's clock
      send(page({ truncated: !done, token: `t${n}`, keys: [`k${n}`] }));
    } else if (bucket === 'notoken') send(page({ truncated: n < 2, keys: [`k${n}`] }));
    else if (bucket === 'huge') void flood(res, 20 * MiB);
    else if (bucket === 'error') void flood(res, 12 * MiB, 500);
    else if (bucket === 'declared') {
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': String(96 * MiB) });
      res.write(page({ truncated: false }).slice(0, 100));
      setTimeout(() => res.destroy(), 50);
    } else send(page({ truncated: false }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const store = () =>
  new S3ObjectStore(
    { endpoint: url, region: 'us-east-1', accessKey: 'AK', secretKey: 'SK', pathStyle: true },
    { allowedEndpoints: [url], now: () => clock },
  );

async function refusal(bucket: string): Promise<{ failure?: string; code?: string; pages: number }> {
  let pages = 0;
  try {
    for await (const _ of store().list(bucket, '')) pages++;
    return { pages };
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) throw error;
    return { failure: error.failure, code: error.storeCode, pages };
  }
}

describe('a hostile S3 endpoint', () => {
  it('is stopped at the first repeated continuation token', async () => {
    expect(await refusal('same')).toEqual({ failure: 'runaway', code: 'RepeatedToken', pages: 2 });
    expect(requests.get('same')).toBe(2);
  });

  it('is stopped after a run of empty truncated pages', async () => {
    expect(await refusal('empty')).toMatchObject({ failure: 'runaway', code: 'EmptyPages' });
    expect(requests.get('empty')).toBe(LIST_LIMITS.emptyPagesInARow);
  });

  it('is stopped when a listing outlasts its time on the bot’s clock', async () => {
    expect(await refusal('slow')).toMatchObject({ failure: 'runaway', code: 'ListingTooLong' });
    expect(requests.get('slow')).toBe(LIST_LIMITS.ms / (10 * 60_000));
  });

  it('does not take "truncated" without a token for the end of the listing', async () => {
    expect(await refusal('notoken')).toMatchObject({ failure: 'runaway', code: 'NoToken' });
  });

  it('cannot make the bot read more than 8 MiB of one answer', async () => {
    expect(await refusal('huge')).toMatchObject({ failure: 'runaway', code: 'AnswerTooLarge' });
    // The connection is dropped once past the cap: the rest of the 20 MiB is never sent (what was
    // written past the cap sat in the sockets' buffers).
    expect(written).toBeGreaterThan(MAX_ANSWER_BYTES);
    expect(written).toBeLessThan(20 * MiB);
    expect(await refusal('declared')).toMatchObject({ failure: 'runaway', code: 'AnswerTooLarge' });
    expect(await refusal('error')).toMatchObject({ failure: 'runaway', code: 'AnswerTooLarge' });
  });
});
