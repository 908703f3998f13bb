import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { Interactions } from '../../harness/interactions.js';
import { mrkdwnTexts, TestBot } from '../../harness/test-bot.js';

/**
 * The Home tab's own buttons (Open, Refresh) get their request context from the one middleware, as
 * every Home click does: Open shows the card in the viewer's language, and what goes wrong is said
 * on the tab, never swallowed in a log line (before, Open spoke English to everyone and a failure
 * left the viewer with nothing).
 */
const KOREAN = 'U0KOREAN7';
const ENGLISH_READER = 'U0ENGLISH7';
const t = new TestBot();
const ix = new Interactions(t);

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
}, 60_000);
afterAll(async () => {
  await t.stop();
});

function since(from: number, method: string, user?: string): RecordedCall[] {
  return t.fakeSlack.calls
    .slice(from)
    .filter((c) => c.method === method && (user === undefined || c.body.user_id === user));
}

function texts(view: unknown): string {
  return JSON.stringify(view);
}

describe('Home tab buttons', () => {
  it('Open shows the card in the viewer’s language, with how to act on it from a channel', async () => {
    const task = t.oms.addTask({ name: 'home-open-ko', status: 2, progress: 0.4, totalSize: 1024 ** 3 });
    const from = t.fakeSlack.calls.length;
    const value = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: task.id });
    expect((await ix.clickHome({ actionId: 'home.open', value }, { userId: KOREAN })).status).toBe(200);
    const opened = await t.fakeSlack.waitFor(() => since(from, 'views.open')[0]);
    const view = opened.body.view as { title: { text: string }; close: { text: string }; blocks: unknown };
    expect(view.title.text).toBe('태스크');
    expect(view.close.text).toBe('닫기');
    expect(mrkdwnTexts({ blocks: view.blocks })).toContain(
      `채널에서 조치하세요: \`/migrate status hw-prod:${task.id}\``,
    );
    expect(texts(view.blocks)).toContain('home-open-ko');
    expect(texts(view.blocks)).not.toContain('Act on it from a channel');
  });

  it('Open of a migration that is gone says so on the tab instead of nothing', async () => {
    const from = t.fakeSlack.calls.length;
    const value = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: '999999999999999' });
    expect((await ix.clickHome({ actionId: 'home.open', value }, { userId: ENGLISH_READER })).status).toBe(
      200,
    );
    const home = await t.fakeSlack.waitFor(() => since(from, 'views.publish', ENGLISH_READER)[0]);
    const shown = texts(home.body.view);
    expect(shown).toMatch(/999999999999999/);
    expect(shown).toContain('OMS.0054'); // the provider's own code, explained
    expect(since(from, 'views.open')).toEqual([]);
  });

  it('a Home approval button from an older build is answered on the tab in the reader’s language', async () => {
    const from = t.fakeSlack.calls.length;
    await ix.clickHome({ actionId: 'approval.home.approve', value: 'not-an-id' }, { userId: KOREAN });
    const home = await t.fakeSlack.waitFor(() => since(from, 'views.publish', KOREAN)[0]);
    expect(texts(home.body.view)).toContain('이전 버전의 봇에서 만든 버튼입니다');
  });

  it('Refresh draws the tab again', async () => {
    const from = t.fakeSlack.calls.length;
    await ix.clickHome({ actionId: 'home.refresh', value: 'x' }, { userId: ENGLISH_READER });
    const home = await t.fakeSlack.waitFor(() => since(from, 'views.publish', ENGLISH_READER)[0]);
    expect(texts(home.body.view)).toContain('Refresh');
  });
});
