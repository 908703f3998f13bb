import type { RecordedCall } from '../../dev/fake-slack/fake-slack.js';
import type { TestBot, Who } from './test-bot.js';

/** The dedup key a thread line was posted under (the watch notes' `event_payload.key`). */
export const noteKey = (c: RecordedCall) =>
  (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '';

/** The thread lines of a keep-in-sync or cut-over (`what`: a stop, a run) posted for the resource `id`. */
export const threadLines = (bot: TestBot, id: string, what: RegExp) =>
  bot.fakeSlack
    .callsTo('chat.postMessage')
    .filter((c) => noteKey(c).includes(`:${id}:`) && what.test(noteKey(c)));

/** The keep-in-sync deltas the OMS simulator holds for the migration `name`. */
export const syncTasks = (bot: TestBot, name: string) =>
  [...bot.oms.tasks.values()].map((t) => t.description).filter((n) => n.startsWith(`${name} · sync `));

/** An OMS task that succeeded (10 GiB, 3 objects), watched in `channel`: what keep-sync is asked for. */
export async function succeededTask(bot: TestBot, name: string, channel: string, who: Who = {}) {
  const task = bot.oms.addTask({
    name,
    status: 5,
    progress: 1,
    totalSize: 10 * 1024 ** 3,
    totalNum: 3,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket: `${name}-src` },
    dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
  });
  await bot.ask(`watch ${task.id} <#${channel}|ops>`, who);
  return task;
}
