import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { FORM, newActionTs, newTriggerId, postSigned } from '../../test/harness/slack-requests.js';
import { SIGNING_SECRET, TestBot } from '../../test/harness/test-bot.js';

/**
 * Issue 58, item 8: the walk of one Pause click on a watched card, measured rather than read off
 * the code. The real app in this process (the tests' `TestBot`: fake Slack, OMS simulator, memory
 * store, no watcher schedule); V8's precise coverage is reset just before the signed click and
 * taken once the click's work and every re-check it started are done. Prints the files of `src/`
 * whose code ran (by folder, the "layers") and the requests the OMS simulator served.
 * Run after `tsc -p tsconfig.bench.json`: `node dist-bench/bench/click-walk.js [--delete]`.
 */
const CHANNEL = 'C0FAKE001';
const USER = 'U0ALICE01';

/** `--delete`: Delete on a paused task's card instead of Pause on a migrating one. */
async function main(del: boolean): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  const t = new TestBot();
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, watcher: { recheckAfterMs: [50, 100] } });
  try {
    t.oms.timings.pauseDelayMs = 0;
    const task = t.oms.addTask({
      name: 'walk-card',
      ...(del ? { status: 3 } : { status: 2, progress: 0.1 }),
    });
    await t.ask(`watch ${task.id}`, { userId: USER });
    const card = await t.fakeSlack.waitFor(() =>
      t.fakeSlack
        .callsTo('chat.postMessage')
        .find((c) => !c.body.thread_ts && JSON.stringify(c.body.blocks).includes(task.id) && c.ts),
    );
    await t.settled();
    // Warm: one Refresh first, so module loading is not counted as the click's walk.
    await click(t, card.ts!, 'resource.refresh', task.id);
    const from = t.oms.server.requests.length;
    await session.post('Profiler.takePreciseCoverage');
    await click(t, card.ts!, del ? 'resource.delete' : 'resource.pause', task.id);
    const { result } = await session.post('Profiler.takePreciseCoverage');
    const ran = result
      .filter((s) => s.url.includes('/src/') && s.functions.some((f) => f.ranges.some((r) => r.count > 0)))
      .map((s) => s.url.replace(/^.*?\/src\//, 'src/').replace(/\.js$/, '.ts'))
      .sort();
    const layers = new Map<string, string[]>();
    for (const file of ran) {
      const parts = file.split('/');
      const layer =
        parts.length === 2
          ? 'src (root files)'
          : parts[1] === 'slack' && parts.length > 3
            ? `src/slack/${parts[2]}`
            : parts.slice(0, 2).join('/');
      layers.set(layer, [...(layers.get(layer) ?? []), file]);
    }
    console.log(`files of src/ that ran: ${ran.length}, in ${layers.size} folders`);
    for (const [layer, files] of [...layers].sort())
      console.log(`  ${layer} (${files.length}): ${files.join(' ')}`);
    const asked = t.oms.server.requests
      .slice(from)
      .map((r) => `${r.method} ${r.path.replace(/^\/v2\/\w+/, '')}`);
    console.log(`provider requests: ${asked.length}: ${asked.join(', ')}`);
  } finally {
    await t.stop();
    session.disconnect();
  }
}

async function click(t: TestBot, ts: string, action: string, id: string): Promise<void> {
  const value = JSON.stringify({ c: 'hw-prod', k: 'task', id });
  const payload = {
    type: 'block_actions',
    team: { id: 'T0FAKE001', domain: 'fake' },
    user: { id: USER, username: 'alice', team_id: 'T0FAKE001' },
    api_app_id: 'A0MIGRATE',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
    trigger_id: newTriggerId(),
    channel: { id: CHANNEL, name: 'migrations' },
    message: { type: 'message', ts, text: 'card', blocks: [] },
    response_url: t.fakeSlack.responseUrl(`walk-${action}`),
    actions: [
      {
        type: 'button',
        action_id: action,
        block_id: 'card',
        value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: newActionTs(),
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const http = await postSigned(t.eventsUrl, SIGNING_SECRET, body, FORM);
  if (http.status !== 200) throw new Error(`${action} answered HTTP ${http.status}`);
  await t.settled();
  await t.bot.deps.watcher.rechecksIdle();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.includes('--delete'))
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
