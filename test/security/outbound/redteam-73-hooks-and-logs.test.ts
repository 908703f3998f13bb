import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../../src/crypto/secret-box.js';
import { ObjectStoreError } from '../../../src/object-store/object-store.js';
import { S3ObjectStore } from '../../../src/object-store/s3-object-store.js';
import { HttpClient, PoolRegistry } from '../../../src/providers/http/http-client.js';
import { maskUrls } from '../../../src/url-credentials.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { captureLogger } from '../../helpers/capture-logger.js';

// Issue 73 (security round 6), red team of what else talks to the outside: webhook delivery, the
// provider pools of connections typed into Slack, and the masking of URLs in what the bot says
// and logs. Loopback only: a receiver that redirects, and a second server that must hear nothing.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
async function recorder(handle: Handler): Promise<{ url: string; heard: string[]; server: Server }> {
  const heard: string[] = [];
  const server = createServer((req, res) => {
    heard.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, heard, server };
}
const close = async (r: { server: Server }) => {
  r.server.closeAllConnections();
  await new Promise<void>((resolve) => r.server.close(() => resolve()));
};

let elsewhere: Awaited<ReturnType<typeof recorder>>; // where a redirect points: must hear nothing
let redirecting: Awaited<ReturnType<typeof recorder>>;
beforeAll(async () => {
  elsewhere = await recorder((_req, res) => res.writeHead(200).end('{}'));
  redirecting = await recorder((_req, res) =>
    res.writeHead(307, { location: `${elsewhere.url}/stolen` }).end(),
  );
});
afterAll(async () => {
  await close(redirecting);
  await close(elsewhere);
});

describe('red team 73: webhook delivery', () => {
  const CHANNEL = 'C0RT73HOOK';
  const t = new TestBot();
  beforeAll(async () => {
    await t.start({
      env: {
        POLL_INTERVAL_SECONDS: '0',
        MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${generateKey()}`,
        MIGRATE_BOT_ALLOWED_ENDPOINTS: redirecting.url,
      },
    });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('does not follow a receiver’s redirect to another internal address, and says it failed', async () => {
    const token = 'rt73-receiver-token-9c1e';
    const added = messageText(
      await t.ask(`webhook add ${redirecting.url}/in?token=${token}`, { channelId: CHANNEL }),
    );
    const id = /`(h[0-9a-f]{6})`/.exec(added)?.[1];
    expect(id, added).toBeDefined();
    await t.ask(`webhook test ${id}`, { channelId: CHANNEL });
    await until(() => redirecting.heard.find((h) => h.startsWith('POST /in')), { what: 'the delivery' });
    const list = await until(
      async () => {
        const text = messageText(await t.ask('webhook list', { channelId: CHANNEL }));
        return text.includes('307') ? text : undefined;
      },
      { what: 'the failed delivery in the list' },
    );
    expect(list).not.toContain(token);
    // A receiver whose secret is in its path: the list and the logs show its place, not its secret.
    const pathSecret = 'Rt73PathSecret0123456789xyz';
    await t.ask(`webhook add https://hooks.example.com/services/T0RT73/B0RT73/${pathSecret}`, {
      channelId: CHANNEL,
    });
    const listed = messageText(await t.ask('webhook list', { channelId: CHANNEL }));
    expect(listed).toContain('hooks.example.com/services/T0RT73/B0RT73/…');
    expect(listed).not.toContain(pathSecret);
    expect(messageText(await t.ask('audit 5', { channelId: CHANNEL }))).not.toContain(pathSecret);
    expect(elsewhere.heard).toEqual([]);
    await t.settled();
    expect(t.logs.lines.filter((line) => line.includes(token) || line.includes(pathSecret))).toEqual([]);
  });
});

describe('red team 73: provider pools of connections typed into Slack', () => {
  const root = new PoolRegistry(undefined, undefined, {
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
  });
  afterAll(async () => {
    await root.close();
  });
  const call = async (pools: PoolRegistry, baseUrl: string) =>
    new HttpClient({
      provider: 'test',
      baseUrl,
      pools,
      logger: captureLogger().logger,
      authenticate: () => undefined,
      parseError: () => ({}),
      purpose: 'interactive',
    })
      .send({ operation: 'Get', method: 'GET', path: '/x' })
      .then(
        (r) => String(r.status),
        (e: unknown) => (e instanceof Error ? e.name : 'error'),
      );

  it('a typed connection does not borrow the unchecked pool a file connection opened to the same origin', async () => {
    expect(await call(root, elsewhere.url)).toBe('200'); // the connections file's, unchecked
    const heard = elsewhere.heard.length;
    expect(await call(root.guarded({ allowedEndpoints: [] }), elsewhere.url)).not.toBe('200');
    expect(elsewhere.heard.length).toBe(heard);
  });

  it('an allow-list entry with a path does not open the whole origin to a typed connection', async () => {
    const heard = elsewhere.heard.length;
    const guarded = root.guarded({ allowedEndpoints: [`${elsewhere.url}/only-this`] });
    expect(await call(guarded, elsewhere.url)).not.toBe('200');
    expect(elsewhere.heard.length).toBe(heard);
  });

  it('an allow-listed provider endpoint’s redirect to another internal address is not followed', async () => {
    const heard = elsewhere.heard.length;
    const guarded = root.guarded({ allowedEndpoints: [redirecting.url] });
    expect(await call(guarded, redirecting.url)).not.toBe('200');
    expect(elsewhere.heard.length).toBe(heard);
  });
});

describe('red team 73: URLs in what the bot logs', () => {
  it('masks URLs in free text, with upper-case schemes, user:pass and no query', () => {
    for (const [text, shown] of [
      ['HTTPS://USER:PASS@Host.Example/in?TOKEN=abc', 'HTTPS://…@Host.Example/in?TOKEN=…'],
      ['see (https://u:pw@h.example/x) now', 'see (https://…@h.example/x) now'],
      ['url=http://minio:s3cr3t@10.0.0.5:9000', 'url=http://…@10.0.0.5:9000'],
      ['Wss://u:p@h/?a=b', 'Wss://…@h/?a=…'],
      ["'https://h.example/in?token=abc'", "'https://h.example/in?token=…"],
      ['https://u:p%40ss@h.example/', 'https://…@h.example/'],
      ['a,https://h.example/in?token=abc,next', 'a,https://h.example/in?token=…'],
      // A secret in the path (Slack's incoming webhooks, Discord's): ids and words stay.
      [
        'https://hooks.slack.com/services/T0RT73ABC/B0RT73DEF/Rt73SecretToken0123456789',
        'https://hooks.slack.com/services/T0RT73ABC/B0RT73DEF/…',
      ],
      [
        'https://discord.com/api/webhooks/123456789012345678/aB3_dE-fG7hIjKlMnOpQrStUvWxYz0123456789',
        'https://discord.com/api/webhooks/123456789012345678/…',
      ],
      [
        'https://iam.example.com/v3/0a1b2c3d4e5f60718293a4b5c6d7e8f9/tasks/5f0c7a4e-1b2d-4c3e-9f8a-123456789abc',
        'https://iam.example.com/v3/0a1b2c3d4e5f60718293a4b5c6d7e8f9/tasks/5f0c7a4e-1b2d-4c3e-9f8a-123456789abc',
      ],
    ] as const)
      expect(maskUrls(text), text).toBe(shown);
  });

  it('masks the URLs in an S3 SDK error, its cause and stack, when the bot logs it', async () => {
    const { logger, lines } = captureLogger();
    // A storage credential's endpoint with user info, at a name that does not resolve: the SDK's
    // own error (getaddrinfo ENOTFOUND) is what gets logged, wrapped as the bot wraps it.
    const store = new S3ObjectStore(
      {
        endpoint: 'http://minio-user:rt73-endpoint-pass@no-such-host.invalid:9000',
        region: 'us-east-1',
        accessKey: 'AK',
        secretKey: 'SK',
        pathStyle: true,
      },
      {
        allowedEndpoints: [],
        now: () => 0,
        resolve: async () => {
          throw Object.assign(
            new Error(
              'getaddrinfo ENOTFOUND http://minio-user:rt73-endpoint-pass@no-such-host.invalid/?X-Amz-Signature=rt73sig',
            ),
            { code: 'ENOTFOUND' },
          );
        },
      },
    );
    let error: unknown;
    try {
      for await (const _ of store.list('b', '')) break;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ObjectStoreError);
    logger.warn({ err: error }, 'bucket check failed');
    logger.error(error as Error);
    const said = lines.join('\n');
    expect(said).toContain('no-such-host.invalid');
    expect(said).not.toContain('rt73-endpoint-pass');
    expect(said).not.toContain('rt73sig');
  });
});
