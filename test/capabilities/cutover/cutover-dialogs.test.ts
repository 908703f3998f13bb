import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, messageText } from '../../harness/test-bot.js';
import { ALICE, APPROVER, CHANNEL, CutoverWorld } from './cutover-world.js';

// Issue 76, the round's principle: what the bot says is exactly what happens. Each cut-over dialog
// is read, then its action is taken and what it said is checked: Abort's dialog as the cut-over
// stands (a final delta at the provider runs to its end, a check under way is called off), the
// confirmation's steps, and whom a starter refused is told to ask.
const w = new CutoverWorld();
const { a, b } = w;

beforeAll(() => w.start(), 60_000);
afterAll(() => w.stop());

/** What Abort's confirmation dialog says on the post as last drawn. */
function abortDialog(id: string): string {
  const abort = w.postButton(id, 'cutover.cut.abort') as
    | { confirm?: { text?: { text?: string } } }
    | undefined;
  expect(abort, w.postText(id)).toBeDefined();
  return abort!.confirm?.text?.text ?? '';
}
async function abort(id: string) {
  const button = w.postButton(id, 'cutover.cut.abort')!;
  const answer = await (await a.click(button.action_id, button.value, ALICE)).answer();
  expect(messageText(answer)).toContain('is aborted');
}
const DELTA_GOES_ON = 'The final delta at the provider is not stopped: it runs to its end.';
const CHECK_CALLED_OFF = 'The bucket check under way is called off.';

describe("the cut-over's dialogs say what their action does", () => {
  it('Abort before any step: nothing to take back; with the final delta running, it runs to its end', async () => {
    const task = await w.migrated('dlg-delta');
    await w.startCutover(task.id);
    const before = abortDialog(task.id);
    expect(before).toBe('No further step runs. The migration can be cut over again.');
    await w.tickBoth(2);
    await a.fakeSlack.waitFor(() => w.postText(task.id).includes('Final delta: *running*'));
    const during = abortDialog(task.id);
    expect(during).toContain('The freeze notice is not taken back.');
    expect(during).toContain(DELTA_GOES_ON);
    expect(during).not.toContain(CHECK_CALLED_OFF);
    expect(during.length).toBeLessThanOrEqual(300);
    await abort(task.id);
    // What it said: the delta is not stopped at the provider; it runs to its end.
    const [delta] = w.finalDeltas('dlg-delta');
    expect(delta).toBeDefined();
    a.oms.clock.advance(5_000);
    expect(a.oms.task(delta!.id)?.status).toBe(5);
    await w.tickBoth(2);
    expect(w.completes(task.id)).toEqual([]);
  });

  it('Abort during the check says it is called off, and it is', async () => {
    const task = await w.migrated('dlg-check');
    await w.startCutover(task.id);
    await w.tickBoth(2);
    a.oms.clock.advance(5_000);
    const release = w.world.store.holdListings();
    try {
      await w.tickBoth(2);
      await a.fakeSlack.waitFor(() => w.postText(task.id).includes('Check the buckets: *running*'), 20_000);
      const dialog = abortDialog(task.id);
      expect(dialog).toContain(CHECK_CALLED_OFF);
      expect(dialog).not.toContain(DELTA_GOES_ON);
      await abort(task.id);
    } finally {
      release();
    }
    // The check, on whichever replica runs it, stops at its next page and says who stopped it.
    await a.fakeSlack.waitFor(
      () =>
        a.fakeSlack
          .callsTo('chat.update')
          .concat(a.fakeSlack.callsTo('chat.postMessage'))
          .find((c) => messageText(c.body).includes(`<@${ALICE.userId}> cancelled the check`)),
      20_000,
    );
    expect(w.postText(task.id)).not.toContain('Check the buckets: *done*');
  });

  it('lists one watched day in the singular, and tells a starter with no other approver who can grant one', async () => {
    const task = await w.migrated('dlg-ask');
    const confirm = await w.startCutover(task.id, 'freeze 10 watch 1');
    expect(confirm).toContain('the old bucket watched for 1 day (');
    await w.throughCheck('dlg-ask', task.id);
    const sign = w.postButton(task.id, 'cutover.cut.signoff')!;
    await a.ask(`access revoke <@${APPROVER}>`);
    try {
      const self = await (await b.click(sign.action_id, sign.value, ALICE)).answer();
      expect(messageText(self)).toContain(`No one else is granted approver in <#${CHANNEL}>`);
      expect(messageText(self)).toContain('`/migrate access grant @who approver #channel`');
    } finally {
      await a.ask(`access grant <@${APPROVER}> approver`);
    }
    const again = await (await b.click(sign.action_id, sign.value, ALICE)).answer();
    expect(messageText(again)).toContain(`Ask <@${APPROVER}> (approver of <#${CHANNEL}>)`);
    expect(buttons(w.cutPost(task.id) ?? {}).some((x) => x.action_id === 'cutover.cut.signoff')).toBe(true);
  });
});
