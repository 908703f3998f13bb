import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';

// Issue 46 item 3: a task list answered with a 300 MB body took a replica from 134 to 1,123 MiB,
// past its pod's 768 MiB limit. Every provider answer is now read to PROVIDER_MAX_RESPONSE_MIB
// (8 MiB by default) at the HTTP seam every provider shares; past it, that call fails with a clear
// error, the stream is cut, and the process's memory stays where it was.
const HUGE_BYTES = 300 * 1024 * 1024;
const CHUNK = Buffer.from(`${'{"id":"1","name":"x","status":2},'.repeat(2_000)}`);

/** A hostile endpoint: every answer is a 200 with a JSON task list of `HUGE_BYTES`, streamed. */
function hugeAnswers(options: { declareLength: boolean }) {
  const sent = { bytes: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(options.declareLength ? { 'content-length': String(HUGE_BYTES) } : {}),
    });
    res.write('{"count":1000000,"tasks":[');
    // Bounded: at most HUGE_BYTES in chunks, and it stops as soon as the bot hangs up.
    const pump = () => {
      while (sent.bytes < HUGE_BYTES && !res.destroyed) {
        sent.bytes += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end('{}]}');
    };
    res.on('error', () => undefined);
    pump();
  });
  return { server, sent };
}

const t = new TestBot();
const chunked = hugeAnswers({ declareLength: false });
const declared = hugeAnswers({ declareLength: true });
const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );

beforeAll(async () => {
  const [chunkedUrl, declaredUrl] = await Promise.all([listen(chunked.server), listen(declared.server)]);
  await t.start({
    connections: (omsUrl) => [
      omsConnection('hw-prod', omsUrl),
      omsConnection('hw-huge', chunkedUrl),
      omsConnection('hw-declared', declaredUrl),
    ],
    env: { POLL_INTERVAL_SECONDS: '0' },
  });
});
afterAll(async () => {
  await t.stop();
  for (const server of [chunked.server, declared.server]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** The most RSS grew above `before` while `work` ran, sampled every 5 ms. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMiB: (peak - before) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

describe('a provider answering with 300 MB', () => {
  it('fails that call with a clear error, reads no more than the cap, and keeps memory flat', async () => {
    const { result, growthMiB } = await peakGrowth(() => t.ask('list hw-huge'));
    const text = messageText(result);
    expect(text).toMatch(/answered with more than 8 MiB, the most a provider answer may have/);
    expect(text).not.toMatch(/No (tasks|migrations) (found|yet|match)/i);
    // The bot hung up after the cap: the endpoint sent a small part of its 300 MB.
    expect(chunked.sent.bytes).toBeLessThan(HUGE_BYTES / 4);
    // Reading the whole body grows this process by several hundred MiB; the cap keeps it to the
    // cap and the bot's own working set.
    expect(growthMiB).toBeLessThan(96);
    // The other connection, and the bot, carry on.
    expect(messageText(await t.ask('list hw-prod'))).not.toMatch(/more than 8 MiB/);
  });

  it('refuses an answer whose content-length is over the cap before reading it', async () => {
    const text = messageText(await t.ask('list hw-declared'));
    expect(text).toMatch(/answered with more than 8 MiB, the most a provider answer may have/);
    expect(declared.sent.bytes).toBeLessThan(HUGE_BYTES / 4);
  });
});
