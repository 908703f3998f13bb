import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { buttons, messageText, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { lastDrawn, ObjectsWorld } from './objects-world.js';

// Check the buckets on the verification post, through signed requests: the objects capability
// adds the button through the core's seam (the core names no capability), the click asks the
// same rule as `/migrate verify` (operate in the channel) and the check lands on its own post.

const AK = 'NCPBUTTONACCESSKEY01';
const SK = 'ncp-button-secret-key-0000000000000001';
const SRC = { ak: 'AKIABUTTONSOURCE0001', sk: 'aws-source-secret-key-button-00000001' };
const DST = { ak: 'NCPBUTTONSTORAGE0001', sk: 'ncp-storage-secret-key-button-0000001' };
const CHANNEL = 'C0CHECKBTN';
const OPERATOR = 'U0BTNOPER1';
const VIEWER = 'U0BTNVIEW1';

const clock = new TestClock();
const world = new ObjectsWorld({
  src: { ...SRC, buckets: ['media-assets'] },
  dst: { ...DST, buckets: ['media-ncp'] },
  ncp: { ak: AK, sk: SK },
});
const { store, ncp } = world;
const t = new TestBot();
const verifications: Record<string, unknown>[] = [];

beforeAll(async () => {
  await world.start();
  await t.start({
    connections: () => [world.ncpConnection('ncp-kr', { region: 'KR' })],
    env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
    watcher: { clock, editBudget: { windowMs: 10_000, max: 100 } },
  });
  ncp.clock.freeze();
  t.fakeSlack.observe((call: RecordedCall) => {
    const key = (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (call.method === 'chat.postMessage' && key?.endsWith(':verification')) verifications.push(call.body);
  });
  await t.ask(`access grant <@${OPERATOR}> operator`);
  await t.ask(`access grant <@${VIEWER}> viewer`);
  for (let i = 0; i < 300; i++) {
    const name = `${String(i).padStart(3, '0')}.jpg`;
    store.putObject('media-assets', `photos/${name}`, `photo ${i}`);
    if (i === 3 || i === 150 || i === 299) continue;
    store.putObject('media-ncp', `backup/${name}`, i === 42 ? `photo ${i}!` : `photo ${i}`);
  }
}, 60_000);
afterAll(async () => {
  await t.stop();
  await world.stop();
});

/** The check's post for `title` as last drawn (its first post, then every edit of it). */
const checkPost = (title: string) => lastDrawn(t.fakeSlack, 'Bucket check of', title);

describe('Check the buckets on a verification post', { timeout: 90_000 }, () => {
  let button: { action_id: string; value: string; text: string };

  beforeAll(async () => {
    world.ncpPolicy(
      'photos-to-ncp',
      { jobState: 'STARTED', progress: 0.5, objects: 300 },
      { bucket: 'media-assets', prefix: 'photos/' },
      { bucket: 'media-ncp', prefix: 'backup/' },
    );
    await t.ask(`watch ncp-kr:photos-to-ncp <#${CHANNEL}|ops>`, { userId: OPERATOR });
    const body = await until(
      async () => {
        const posted = verifications.find((b) => messageText(b).includes('photos-to-ncp'));
        if (posted) return posted;
        ncp.clock.advance(1_000);
        clock.advance(30_000);
        await t.bot.deps.watcher.runCycle();
        return undefined;
      },
      { what: 'the verification post', timeoutMs: 60_000 },
    );
    const found = buttons(body).find((b) => b.action_id === 'objects.check');
    expect(buttons(body).map((b) => b.text)).toContain('Check the buckets');
    button = found!;
  });

  it('is refused to a viewer: no check post', async () => {
    const click = await t.click(button.action_id, button.value, { userId: VIEWER, channelId: CHANNEL });
    expect(messageText(await click.answer())).not.toContain('Checking the buckets');
    await t.settled();
    expect(checkPost('photos-to-ncp')).toBeUndefined();
  });

  it('checks the run’s buckets on its own post: 3 missing, 1 different', async () => {
    const click = await t.click(button.action_id, button.value, { userId: OPERATOR, channelId: CHANNEL });
    expect(messageText(await click.answer())).toContain('Checking the buckets of ncp-kr:photos-to-ncp');
    const post = await until(
      () => {
        const text = checkPost('photos-to-ncp');
        return text?.includes('the same') ? text : undefined;
      },
      { what: 'the check’s result', timeoutMs: 20_000 },
    );
    expect(post).toContain('296 the same · 3 missing at the destination · 1 different');
    expect(post).toContain('`photos/003.jpg`, `photos/150.jpg`, `photos/299.jpg`');
    expect(post).toContain('Different: `photos/042.jpg`');
  });

  it('says a crafted value naming no run, and starts nothing', async () => {
    const before = t.fakeSlack.callsTo('chat.postMessage').length;
    const click = await t.click(button.action_id, 'not json', { userId: OPERATOR, channelId: CHANNEL });
    expect(messageText(await click.answer())).toContain('no longer names a run');
    await t.settled();
    expect(t.fakeSlack.callsTo('chat.postMessage').length).toBe(before);
  });
});
