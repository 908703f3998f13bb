import type { RecordedCall } from '../../dev/fake-slack/fake-slack.js';
import { TestBot } from '../../test/harness/test-bot.js';
import { serveRpc } from '../rpc.js';
import { CLICK_TASK_ID } from './click-constants.js';

/**
 * The click benchmark's world, in a process of its own (`click-scale.ts`): the fake Slack the bots
 * post to and the OMS simulator their `hw-prod` connection reads, with one failed task to claim.
 * It tells the orchestrator when a click's answer arrives: the edit of the post clicked on
 * (`chat.update` of that channel and ts) or the words to the presser (a post on the click's
 * response_url), whichever comes first.
 */

const t = new TestBot();

interface Expected {
  channel: string;
  ts: string;
  responseId: string;
  /** How the answer came, once it did. */
  came?: 'edit' | 'words';
  arrived: (how: 'edit' | 'words') => void;
  answered: Promise<'edit' | 'words'>;
  /** The edit itself (after words, when the bot said something first). */
  wasEdited: () => void;
  edited: Promise<void>;
}
let expected: Expected | undefined;

function matches(call: RecordedCall, e: Expected): 'edit' | 'words' | undefined {
  if (call.method === `response:${e.responseId}`) return 'words';
  const body = call.body as { channel?: unknown; ts?: unknown };
  if (call.method === 'chat.update' && body.channel === e.channel && body.ts === e.ts) return 'edit';
  return undefined;
}

t.fakeSlack.observe((call) => {
  const e = expected;
  const how = e && matches(call, e);
  if (!e || !how) return;
  if (how === 'edit') e.wasEdited();
  if (e.came) return;
  e.came = how;
  e.arrived(how);
});

async function start(): Promise<{ fakeSlackUrl: string; omsUrl: string; taskId: string }> {
  await Promise.all([t.fakeSlack.start(), t.oms.start()]);
  t.oms.addTask({ id: CLICK_TASK_ID, name: 'bench-failed', status: 4, failCode: 'TRF.0015' });
  return { fakeSlackUrl: t.fakeSlack.url, omsUrl: t.oms.url, taskId: CLICK_TASK_ID };
}

serveRpc({
  start,
  /** The next click's answer: this post's edit or a post on this response_url (from now on). */
  arm({ channel, ts, responseId }: { channel: string; ts: string; responseId: string }) {
    let arrived: (how: 'edit' | 'words') => void = () => undefined;
    let wasEdited: () => void = () => undefined;
    const answered = new Promise<'edit' | 'words'>((resolve) => {
      arrived = resolve;
    });
    const edited = new Promise<void>((resolve) => {
      wasEdited = resolve;
    });
    expected = { channel, ts, responseId, arrived, answered, wasEdited, edited };
    // The recorded calls are not needed after this: a long run keeps the world's memory flat.
    t.fakeSlack.clear();
  },
  /** Resolves when the armed click's answer came (bounded by the caller's RPC time limit). */
  answered(): Promise<'edit' | 'words'> {
    if (!expected) throw new Error('no click armed');
    return expected.answered;
  },
  /** Resolves when the post clicked on was edited (an answer in words may have come before). */
  edited(): Promise<void> {
    if (!expected) throw new Error('no click armed');
    return expected.edited;
  },
  async stop() {
    await Promise.all([t.fakeSlack.stop(), t.oms.stop()]);
  },
});
