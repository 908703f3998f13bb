import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundMessage } from '../../dev/playground/conversation.js';
import { playgroundBanner } from '../../dev/playground/local-try-out.js';
import { findWebRoot } from '../../dev/playground/page-server.js';
import { sendPlaygroundCommand } from '../../dev/playground/send-command.js';
import { startPlayground } from '../../dev/playground/start-playground.js';
import { until } from '../harness/until.js';

let playground: Awaited<ReturnType<typeof startPlayground>>;

beforeAll(async () => {
  playground = await startPlayground({ PORT: '0', STORE_URL: 'memory://', LOG_LEVEL: 'silent' });
});
afterAll(async () => {
  await playground.stop();
});

async function pagePost(
  route: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(route, playground.info.pageUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function messageWhere(predicate: (m: PlaygroundMessage) => boolean): Promise<PlaygroundMessage> {
  const found = () => playground.conversation.snapshot().messages.find(predicate);
  return until(found, { what: 'such a message', timeoutMs: 5_000 });
}

describe('playground (npm start without Slack credentials)', () => {
  it('answers signed commands across all three simulated providers', async () => {
    const list = await sendPlaygroundCommand(playground.info, 'list');
    for (const name of ['photos-aws-to-obs', 'media-s3-to-ncp', 'eu-archive-move'])
      expect(list).toContain(name);
  });

  it('says where the HTTP API listens, and the API answers there', async () => {
    const banner = playgroundBanner(playground.info);
    expect(banner).toContain(`HTTP API     ${playground.info.botUrl}/api/v1`);
    expect(banner).toContain(`MIGRATE_BOT_URL=${playground.info.botUrl}`);
    const doc = await fetch(`${playground.info.botUrl}/api/v1/openapi.json`);
    expect(doc.status).toBe(200);
    const refused = await fetch(`${playground.info.botUrl}/api/v1/resources`);
    expect(refused.status).toBe(401);
  });

  it('shows a task card by id', async () => {
    const card = await sendPlaygroundCommand(playground.info, 'status 191297407830875');
    expect(card).toContain('static-site-assets');
    expect(card).toContain('Succeeded');
  });

  it('seeds a failed task with a catalogued error, reachable by a unique prefix', async () => {
    const card = await sendPlaygroundCommand(playground.info, 'status 2044');
    expect(card).toContain('catalog-images-by-list');
    expect(card).toContain('TRF.0013');
  });

  it('prints readable text in the terminal: no raw *bold*, :emoji: or <links>', async () => {
    for (const command of ['list', 'status 2044', 'help']) {
      const text = await sendPlaygroundCommand(playground.info, command);
      expect(text, command).not.toMatch(
        /(^|\s)\*[^*\s][^*]*\*(\s|$)|:[a-z_]+:|<[@#!]|<https?:|&(lt|gt|amp);/m,
      );
    }
  });
});

describe('the playground page server', () => {
  it('serves the page and its files, and nothing else from disk', async () => {
    const page = await fetch(playground.info.pageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="app.js">');
    // Every file of the page, so a module added to web/ but not to the server's list fails here.
    for (const file of readdirSync(findWebRoot()))
      expect((await fetch(new URL(file, playground.info.pageUrl))).status, file).toBe(200);
    expect((await fetch(new URL('../package.json', playground.info.pageUrl))).status).toBe(404);
    expect((await fetch(new URL('web/app.js', playground.info.pageUrl))).status).toBe(404);
  });

  it('finds the page from src/ and from dist/ alike', () => {
    const root = path.resolve('.');
    const web = path.join(root, 'dev', 'playground', 'web');
    expect(findWebRoot(path.join(root, 'dev', 'playground'))).toBe(web);
    expect(findWebRoot(path.join(root, 'dist', 'dev', 'playground'))).toBe(web);
  });

  it('turns the composer into a signed command and the response_url answer into a message', async () => {
    const sent = await pagePost('api/compose', {
      userId: 'U0BOB0001',
      text: '/migrate status 191297407830873',
    });
    expect(sent.status).toBe(200);
    const answer = await messageWhere((m) => m.command === '/migrate status 191297407830873');
    expect(answer).toMatchObject({ visibleTo: 'U0BOB0001', requestedBy: 'U0BOB0001', author: 'U0BOT0001' });
    expect(JSON.stringify(answer.blocks)).toContain('logs-archive-2025');
    // The fake Slack recorded it too, like every response_url answer.
    const recorded = playground.fakeSlack.responses.filter((r) =>
      JSON.stringify(r.body).includes('logs-archive-2025'),
    );
    expect(recorded.length).toBeGreaterThan(0);
  });

  it('says so, as Slack does, for an unknown command; plain text is a message from that person', async () => {
    await pagePost('api/compose', { userId: 'U0ALICE01', text: '/deploy now' });
    await messageWhere((m) => m.notice === true && m.text.includes('`/deploy` is not a valid command'));
    await pagePost('api/compose', { userId: 'U0ALICE01', text: 'hello team' });
    const said = await messageWhere((m) => m.text === 'hello team');
    expect(said).toMatchObject({ author: 'U0ALICE01' });
    expect(said.visibleTo).toBeUndefined();
  });

  it('shows why Slack refused an answer that breaks Block Kit limits, and tells the bot', async () => {
    const id = playground.conversation.newResponse({ userId: 'U0DANA001', channel: 'C0FAKE001' });
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const res = await fetch(new URL(`response/${id}`, playground.info.pageUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', blocks: tooMany }),
    });
    expect(res.status).toBe(400);
    const notice = await messageWhere((m) => m.visibleTo === 'U0DANA001' && m.notice === true);
    expect(notice.text).toContain('invalid_blocks');
  });

  it('refuses malformed requests, unknown people and buttons on messages they cannot see', async () => {
    expect((await pagePost('api/compose', { text: 'x' })).status).toBe(400);
    expect((await pagePost('api/compose', { userId: 'U0NOBODY1', text: '/migrate help' })).status).toBe(409);
    const aliceOnly = await messageWhere((m) => m.visibleTo === 'U0ALICE01');
    const click = await pagePost('api/action', {
      userId: 'U0BOB0001',
      target: { kind: 'message', ts: aliceOnly.ts },
      action: { type: 'button', action_id: 'resource.refresh', value: '{}' },
    });
    expect(click.status).toBe(409);
    expect((await pagePost('api/nothing', {})).status).toBe(404);
  });
});
