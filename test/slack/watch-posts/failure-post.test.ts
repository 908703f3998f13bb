import { beforeEach, describe, expect, it } from 'vitest';
import { omsAndUpCloudBot } from '../../harness/bots/upcloud-bot.js';
import { buttons, messageText, mrkdwnTexts, SRC_SK } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { notifications } from '../../harness/watcher-rig.js';

// Issue 39 item 5: a failure post leads with one line (what failed, when, what the code means),
// says each sentence once, offers the card's buttons, and a failure without a code (UpCloud) still
// gets a next step.
const SERVICE_ID = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f';
const TOKEN = 'ucat_upcloud-sim-token-0000000000000001';
const CHANNEL = 'C0FAILS01';
const source = { name: 'aws-src', accessKey: 'AKIASOURCE0000000001', secretKey: SRC_SK };
// The bot's clock: real time, but the post pacer's waits between posts move it instead of taking
// wall time.
const { t, upcloud } = omsAndUpCloudBot(
  { service: SERVICE_ID, token: TOKEN, source },
  { clock: new TestClock() },
);
beforeEach(() => {
  t.fakeSlack.clear();
});

/** Runs watcher cycles (bounded) until the watched resource's failure is posted. */
async function failurePost() {
  const posted = async () => {
    const failed = notifications(t.fakeSlack).find((n) => n.event === 'failed');
    if (!failed) await t.bot.deps.watcher.runCycle();
    return failed?.body;
  };
  return until(posted, { what: 'the failure posted', timeoutMs: 20_000, checks: 40 });
}

/** The channel's card (the watch's parent) as last drawn: the newest card posted or edited there. */
function parentCard(): Record<string, unknown> {
  const isCard = (body: Record<string, unknown>) =>
    body.channel === CHANNEL && JSON.stringify(body.blocks ?? []).includes('"type":"header"');
  const drawn = t.fakeSlack.calls
    .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update')
    .map((c) => c.body)
    .filter(isCard);
  return drawn.at(-1)!;
}

function sentences(text: string): string[] {
  return text
    .split(/\n|(?<=[.!?])\s+/)
    .map((s) => s.replace(/^[:*\w\s]*?(Fix|Next step):\*\s*/, '').trim())
    .filter((s) => s.length > 12);
}

describe('the failure post of a watched task', () => {
  it('leads with what failed, when and what TRF.0015 means, says nothing twice, and offers the card’s buttons', async () => {
    const task = t.oms.addTask({
      name: 'invoices-azure',
      status: 2,
      progress: 0.12,
      // Large enough that it fails only when the test moves the clock, not while it is watched.
      totalSize: 1024 ** 4,
      failAt: 0.14,
      failCode: 'TRF.0015',
      failMessage: 'The source AK/SK is invalid or has expired.',
    });
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    t.oms.clock.advance(60_000);
    const post = await failurePost();
    const section = (post.blocks as { text?: { text: string } }[])[0]!.text!.text;
    const [first, ...rest] = section.split('\n');
    expect(first).toMatch(
      /^:x: \*invoices-azure\* failed at 1\d%, <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+>: `TRF\.0015` The source account does not use Blob Storage/,
    );
    // The fix and the next step, once each; the provider's line said the catalogue again: left out.
    expect(rest).toEqual([
      '*Fix:* Enter a valid source account.',
      expect.stringMatching(/^Failed objects are listed in /),
      "*Next step:* Ask an admin to fix the connection's keys, then Resume.",
    ]);
    // What the blocks say (the fallback `text` repeats them for notifications, as it should).
    const shown = mrkdwnTexts({ blocks: post.blocks });
    const said = sentences(shown);
    expect(said.filter((s, i) => said.indexOf(s) !== i)).toEqual([]);
    expect(shown.match(/TRF\.0015/g)).toHaveLength(1);
    expect(shown).not.toContain('has expired');
    expect(shown).not.toContain('What it means');

    const card = parentCard();
    expect(messageText(card)).toContain('Failed');
    const labelled = (m: Record<string, unknown>) => buttons(m).map((b) => `${b.action_id} ${b.text}`);
    expect(labelled(post)).toEqual(labelled(card));
    expect(labelled(post)).toContain('resource.resume Resume');
  });
});

describe('a failure without a code', () => {
  it('an UpCloud job that failed gets a next step on its card, not only Watch and Refresh', async () => {
    const job = upcloud.addJob({
      name: 'eu-archive-move',
      status: 'failed',
      progress: 0.58,
      failMessage: 'Access denied reading s3://eu-archive/2024/: check the source access key.',
    });
    const card = await t.ask(`status ${job.uuid}`);
    const text = mrkdwnTexts(card);
    expect(text).toContain('Access denied reading s3://eu-archive/2024/');
    expect(text).toContain(
      '*Next step:* Give the keys the access it names, then start it again with `/migrate create up-fi`: a failed job cannot be resumed.',
    );
    expect(text).not.toContain('No error code was reported');
    expect(text).not.toContain('catalogue does not know');
  });

  it('and its failure post in the channel says the same next step', async () => {
    const job = upcloud.addJob({
      name: 'cdn-origin-sync',
      status: 'running',
      progress: 0.3,
      failAt: 0.35,
      failMessage: 'Connection reset by peer while reading the source.',
    });
    await t.ask(`watch ${job.uuid} <#${CHANNEL}|ops>`);
    upcloud.clock.advance(600_000);
    const post = await failurePost();
    const text = mrkdwnTexts(post);
    expect(text).toMatch(/^:x: \*cdn-origin-sync\* failed at \d+%, <!date[^>]+>: Connection reset by peer/);
    expect(text).toContain(
      '*Next step:* Check the network path to the source, then start it again with `/migrate create up-fi`: a failed job cannot be resumed.',
    );
  });
});
