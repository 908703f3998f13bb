import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../../src/crypto/secret-box.js';
import { messageText, TestBot } from '../../harness/test-bot.js';

// Issue 73, items 3 and 4, through signed `/migrate webhook add` commands. An IPv4 address inside
// an IPv6 one (IPv4-mapped, IPv4-compatible, NAT64, 6to4) is that IPv4 address, and a host name's
// trailing dot names the same host: both are refused as loopback, private or metadata. A receiver's
// `?token=` is its secret: the audit channel, the audit log, the webhook list and the logs show
// the URL without it.

const CHANNEL = 'C0HOOKADDR';
const AUDIT = 'C0AUDIT01';
const t = new TestBot();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0', MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${generateKey()}` } });
});
afterAll(async () => {
  await t.stop();
});

const add = async (url: string) => messageText(await t.ask(`webhook add ${url}`, { channelId: CHANNEL }));

describe('webhook add and internal addresses', () => {
  it('refuses an IPv4 address wrapped in IPv6, and internal names with a trailing dot', async () => {
    for (const url of [
      'https://[64:ff9b::7f00:1]/in', // NAT64 of 127.0.0.1
      'https://[64:ff9b::169.254.169.254]/in', // NAT64 of the metadata address
      'https://[2002:a9fe:a9fe::1]/in', // 6to4 of 169.254.169.254
      'https://[2002:7f00:1::]/in', // 6to4 of 127.0.0.1
      'https://[::127.0.0.1]/in', // IPv4-compatible
      'https://[::a00:1]/in', // IPv4-compatible 10.0.0.1
      'https://[::ffff:10.0.0.1]/in',
      'https://localhost./in',
      'https://metadata.google.internal./in',
      'https://kubernetes.default.svc./in',
      'https://intranet./in',
    ]) {
      const answer = await add(url);
      expect(answer, url).not.toContain('whsec_');
      expect(answer, url).toContain('loopback, private or internal');
    }
    expect(messageText(await t.ask('webhook list', { channelId: CHANNEL }))).toContain('No webhooks');
  });

  it('still takes a public host, and a public IPv4 address inside NAT64 or 6to4', async () => {
    for (const url of ['https://[64:ff9b::808:808]/nat64', 'https://[2002:808:808::1]/6to4']) {
      expect(await add(url), url).toContain('whsec_');
    }
  });
});

describe('webhook URLs in the audit channel and the logs', () => {
  it('mask the query and user info of the URL a webhook was added with', async () => {
    const token = 'rcv-token-3b1f9a7c5e';
    await t.ask('settings audit <#C0AUDIT01|audit>', { channelId: CHANNEL });
    const answer = await add(`https://hooks.example.com/in?token=${token}&team=ops`);
    expect(answer).toContain('whsec_');
    const post = await t.fakeSlack.waitFor(() =>
      t.fakeSlack
        .callsTo('chat.postMessage')
        .find((c) => c.body.channel === AUDIT && JSON.stringify(c.body).includes('webhook.add')),
    );
    const said = JSON.stringify(post.body);
    expect(said).toContain('hooks.example.com/in?token=…&amp;team=…');
    expect(said).not.toContain(token);
    expect(messageText(await t.ask('audit 5', { channelId: CHANNEL }))).not.toContain(token);
    expect(messageText(await t.ask('webhook list', { channelId: CHANNEL }))).not.toContain(token);
    await t.settled();
    expect(t.logs.lines.filter((line) => line.includes(token))).toEqual([]);
    expect(t.logs.lines.some((line) => line.includes('hooks.example.com/in?token=…'))).toBe(true);
  });
});
