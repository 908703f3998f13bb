import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, TEAM } from '../../../../dev/playground/people.js';
import { approvalsOf } from '../../../../src/capabilities/approvals/approvals-state.js';
import { usePlaygroundScreens, WAIT_MS } from '../../../harness/playground/playground-screens.js';
import { postsInKorean, readIn } from '../screen-language.js';
import { askForTask } from './screen-requests.js';

/**
 * Issue 49 §1 as people see it: the pre-flight on an approval request, in the channel and in the
 * approver's direct message, at desk (1280 px) and phone (390 px) width, in English and Korean.
 * The requests go through the bot's own pre-flight against the playground's OMS simulator (a
 * video bucket too large to list in full, priced at hw-sim's $0.09/GiB) and UpCloud (no listing).
 */
const ALICE = 'U0ALICE01';
const screen = usePlaygroundScreens();
const { actAs, type, message, shoot } = screen;

/** An OMS task over acme-video's empty drafts/ folder and 2025/ (3,000 clips), capped at 200 MB/s. */
function videoRequest(description: string) {
  return askForTask(
    screen,
    ['us-west-2', 'acme-video', ['drafts/', '2025/'], 'acme-video-obs'],
    description,
    { op: `screens-${description.length}` },
    {
      object_overwrite_mode: 'FULL_OVERWRITE',
      bandwidth_policy: [{ start: '00:00', end: '06:00', max_bandwidth: 200 * 1024 * 1024 }],
    },
  );
}

beforeAll(async () => {
  // Bob reads the DMs; a request made while his language is Korean reaches him in Korean.
  await actAs('Bob');
}, 30_000);

async function approverDm(text: string) {
  const { page } = screen;
  await page.locator('.sidebar-item[data-nav="app"]').click();
  await page.locator('.tab[data-tab="messages"]').click();
  const dm = page.locator('#dm-messages .message', { hasText: text }).last();
  await dm.waitFor({ timeout: WAIT_MS });
  return dm;
}

async function channelPost(text: string) {
  await screen.page.locator('.sidebar-item[data-nav="channel"]').click();
  return message(text);
}

describe('the pre-flight on approval requests', { timeout: 180_000 }, () => {
  it('en: a sampled large prefix with time, running tasks, warnings and cost; then UpCloud, size unknown', async () => {
    await videoRequest('Video archive 2025');
    const post = await channelPost('Video archive 2025');
    const text = await post.innerText();
    expect(text).toContain('At least 1,000 objects');
    // 3,000 clips of 2.31 GiB: the sample is the first 1,000 (2,310 GiB, ≈ $208 at $0.09/GiB).
    expect(text).toContain('Egress at least ≈ $208 at your $0.09/GiB');
    expect(text).toContain('The listing found no object under drafts/');
    await shoot(post, 'preflight-request-en');
    // On a phone the card is taller than the screen: its end, with the pre-flight above the buttons.
    await shoot(post.locator('.bk-button').first(), 'preflight-request-en-end');
    const dm = await approverDm('Video archive 2025');
    expect(await dm.innerText()).toContain('Pre-flight: at least 1,000 objects');
    await shoot(dm, 'preflight-dm-en');
    await approvalsOf(screen.playground.bot.deps).request({
      team: TEAM.id,
      requester: ALICE,
      channel: CHANNEL.id,
      connection: 'upcloud-sim',
      kind: 'job',
      request: {
        name: 'cdn-logs-to-upcloud',
        sourceEndpoint: 'https://s3.eu-west-1.amazonaws.com',
        sourceRegion: 'eu-west-1',
        sourceBucket: 'cdn-logs',
        targetBucket: 'cdn-logs-upcloud',
      },
      op: 'screens-up',
    });
    const up = await channelPost('cdn-logs-to-upcloud');
    expect(await up.innerText()).toContain('Size unknown: UpCloud lists no objects.');
    await shoot(up, 'preflight-request-upcloud-en');
  });

  it('ko: the same request in a Korean channel and in a Korean approver’s direct message', async () => {
    const { page } = screen;
    const language = page.locator('#language-switch');
    try {
      await readIn(screen, 'ko-KR');
      await page.locator('.sidebar-item[data-nav="channel"]').click();
      await postsInKorean(screen, 'Bob');
      await videoRequest('2025 영상 보관');
      const post = await channelPost('2025 영상 보관');
      expect(await post.innerText()).toContain('사전 점검');
      await shoot(post, 'preflight-request-ko');
      await shoot(post.locator('.bk-button').first(), 'preflight-request-ko-end');
      const dm = await approverDm('2025 영상 보관');
      expect(await dm.innerText()).toContain('사전 점검:');
      await shoot(dm, 'preflight-dm-ko');
    } finally {
      await page.locator('.sidebar-item[data-nav="channel"]').click();
      await actAs('Dana');
      await type('/migrate settings language en');
      await actAs('Bob');
      await language.selectOption('en-US');
    }
  });
});
