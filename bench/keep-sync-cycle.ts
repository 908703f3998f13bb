import { pathToFileURL } from 'node:url';
import { buttons, messageText, TestBot } from '../test/harness/test-bot.js';
import { TestClock } from '../test/harness/test-clock.js';
import type { Target } from './targets.js';

/**
 * Issue 76's row: keep-in-sync on 50 OMS migrations adds no provider read per cycle beyond the
 * runs themselves. The real app in this process (`TestBot`, fake Slack, OMS simulator, memory
 * store) on a moved clock: 50 finished tasks watched, `cycles` cycles an hour apart counted at the
 * simulator (each request by method and path); then each asked to be kept in sync every 6 h and
 * approved by another person, and the same cycles counted again (each delta ends before the next
 * is due, as it would in 6 h). A run's own calls are its read
 * of the task it follows (`migrate_since`), its `POST /tasks` and one read of the task created; list pages are
 * judged against the pages the watched tasks need, ⌈tasks ÷ 100⌉, which grow as runs are watched.
 */
export interface KeepSyncCycleResult {
  smoke: boolean;
  migrations: number;
  cycles: number;
  everyH: number;
  /** Per cycle: requests, list pages, task reads, creates, pages the watched tasks need. */
  without: CycleCount[];
  withSync: CycleCount[];
  runs: number;
  /** Requests beyond the pages needed and the runs' own calls: the sum over all cycles, and the most in one. */
  extraReads: { total: number; most: number; withoutTotal: number };
  /** Calls per run (show + create). */
  callsPerRun: number;
}

export interface CycleCount {
  requests: number;
  pages: number;
  shows: number;
  /** Of `shows`, reads of tasks there before the cycle: the one each run follows (its `migrate_since`). */
  showsFollowed: number;
  creates: number;
  other: number;
  needed: number;
  runs: number;
}

const CHANNEL = 'C0BENCHKS';
const REQUESTER = 'U0ALICE01';
const APPROVER = 'U0KSBOB01';
const HOUR = 3_600_000;
const EVERY_H = 6;
/** The row's target: no read per cycle beyond the pages needed and the runs' own calls. */
export const KEEP_SYNC_EXTRA_TARGET = 0;

export async function runKeepSyncCycle(options: {
  smoke: boolean;
  log: (line: string) => void;
}): Promise<KeepSyncCycleResult> {
  const migrations = 50;
  const cycles = options.smoke ? 7 : 19;
  const clock = new TestClock();
  const t = new TestBot();
  await t.start({
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { clock, editBudget: { windowMs: 10_000, max: 100_000 } },
  });
  try {
    t.oms.clock.freeze();
    await t.ask(`access grant <@${APPROVER}> approver`);
    const ids: string[] = [];
    for (let i = 0; i < migrations; i++) {
      const name = `bench-ks-${String(i).padStart(2, '0')}`;
      const task = t.oms.addTask({
        name,
        status: 5,
        progress: 1,
        totalSize: 10 * 1024 ** 3,
        totalNum: 3,
        src: { cloud_type: 'AWS', region: 'us-east-1', bucket: `${name}-src` },
        dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
      });
      ids.push(task.id);
      await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
    }
    await t.bot.deps.watcher.runCycle(); // the watches' first reads
    const count = counter(t);
    const perCycle = async (): Promise<CycleCount[]> => {
      const out: CycleCount[] = [];
      for (let i = 0; i < cycles; i++) {
        clock.advance(HOUR);
        const runsBefore = syncTasks(t);
        const existing = new Set(t.oms.tasks.keys());
        count.reset();
        await t.bot.deps.watcher.runCycle();
        const c = count.read(existing);
        out.push({ ...c, needed: Math.ceil(t.oms.tasks.size / 100), runs: syncTasks(t) - runsBefore });
        // The deltas end between their runs (6 h apart), as they would: the next run follows the last.
        for (const task of t.oms.tasks.values())
          if (/ · sync \d+$/.test(task.description) && task.status !== 5)
            Object.assign(task, { status: 5, progress: 1, startedAt: task.startedAt ?? t.oms.clock.now() });
      }
      return out;
    };
    const without = await perCycle();
    options.log(`  keep-sync: without ${without.map((c) => c.requests).join(' ')} requests per cycle`);

    const until = new Date(clock.now() + 30 * 24 * HOUR).toISOString();
    for (const id of ids) await askAndApprove(t, `keep-sync ${id} every ${EVERY_H}h until ${until}`);
    await t.settled();
    const withSync = await perCycle();
    count.stop();
    options.log(`  keep-sync: with it ${withSync.map((c) => c.requests).join(' ')} requests per cycle`);
    const runs = withSync.reduce((s, c) => s + c.runs, 0);
    // A run's own: one read of the task it follows, its create, one read of the task created.
    const extra = (c: CycleCount) =>
      Math.max(0, c.pages - c.needed) +
      Math.max(0, c.shows - 2 * c.runs) +
      Math.max(0, c.creates - c.runs) +
      c.other;
    const result: KeepSyncCycleResult = {
      smoke: options.smoke,
      migrations,
      cycles,
      everyH: EVERY_H,
      without,
      withSync,
      runs,
      extraReads: {
        total: withSync.reduce((s, c) => s + extra(c), 0),
        most: Math.max(...withSync.map(extra)),
        withoutTotal: without.reduce((s, c) => s + extra(c), 0),
      },
      callsPerRun:
        runs === 0
          ? 0
          : Math.round((withSync.reduce((s, c) => s + c.shows + c.creates, 0) / runs) * 100) / 100,
    };
    options.log(
      `  keep-sync: ${runs} runs, ${result.callsPerRun} calls per run, extra reads ${result.extraReads.total}`,
    );
    return result;
  } finally {
    await t.stop();
  }
}

/** The OMS requests of one cycle by what they are (the token, control calls aside). */
function counter(t: TestBot) {
  let c = { requests: 0, pages: 0, shows: 0, creates: 0, other: 0 };
  let shown: string[] = [];
  const stop = t.oms.server.onRequest((method, path) => {
    if (path.startsWith('/v3/auth')) return;
    c.requests++;
    if (method === 'GET' && /\/tasks$/.test(path)) c.pages++;
    else if (method === 'GET' && /\/tasks\/[^/]+$/.test(path)) {
      c.shows++;
      shown.push(path.slice(path.lastIndexOf('/') + 1));
    } else if (method === 'POST' && /\/tasks$/.test(path)) c.creates++;
    else c.other++;
  });
  return {
    reset: () => {
      c = { requests: 0, pages: 0, shows: 0, creates: 0, other: 0 };
      shown = [];
    },
    read: (followed: ReadonlySet<string>) => ({
      ...c,
      showsFollowed: shown.filter((id) => followed.has(id)).length,
    }),
    stop,
  };
}

const syncTasks = (t: TestBot) =>
  [...t.oms.tasks.values()].filter((task) => / · sync \d+$/.test(task.description)).length;

/** Asks for keep-in-sync as the requester and approves the request as the approver. */
async function askAndApprove(t: TestBot, text: string): Promise<void> {
  const since = t.fakeSlack.calls.length;
  const asked = messageText(await t.ask(text, { userId: REQUESTER, channelId: CHANNEL }));
  if (!asked.includes('is posted in')) throw new Error(`keep-sync: ${asked}`);
  const call = await t.fakeSlack.waitFor(() =>
    t.fakeSlack.calls
      .slice(since)
      .find(
        (c) =>
          c.method === 'chat.postMessage' &&
          buttons(c.body).some((x) => x.action_id === 'cutover.sync.approve'),
      ),
  );
  const approve = buttons(call.body).find((x) => x.action_id === 'cutover.sync.approve')!;
  const ok = messageText(
    await (
      await t.click(approve.action_id, approve.value, { userId: APPROVER, channelId: CHANNEL })
    ).answer(),
  );
  if (!ok.includes('Approved by')) throw new Error(`keep-sync approval: ${ok}`);
}

/** Judged on the extra reads over every cycle; a smoke run is shown, not judged. */
export function keepSyncTargets(r: KeepSyncCycleResult | undefined): Target[] {
  if (!r) return [];
  return [
    {
      what: `provider reads per cycle beyond the pages needed and the runs' own calls, keep-in-sync on ${r.migrations} OMS migrations (${r.cycles} cycles${r.smoke ? '; smoke' : ''})`,
      target: `${KEEP_SYNC_EXTRA_TARGET}`,
      figure: `${r.extraReads.total} in all (most ${r.extraReads.most} in a cycle); ${r.runs} runs, ${r.callsPerRun} calls each`,
      met: r.smoke ? null : r.extraReads.total <= KEEP_SYNC_EXTRA_TARGET,
    },
  ];
}

export function keepSyncSection(r: KeepSyncCycleResult | undefined): string[] {
  if (!r) return [];
  const sum = (xs: CycleCount[], f: (c: CycleCount) => number) => xs.reduce((s, c) => s + f(c), 0);
  const row = (label: string, xs: CycleCount[]) =>
    `| ${label} | ${xs.map((c) => c.requests).join(' ')} | ${sum(xs, (c) => c.pages)} (${sum(xs, (c) => c.needed)}) | ${sum(xs, (c) => c.shows)} | ${sum(xs, (c) => c.creates)} | ${sum(xs, (c) => c.runs)} | ${sum(xs, (c) => c.other)} |`;
  return [
    '## Keep-in-sync’s cycle',
    '',
    `Issue 76: ${r.migrations} finished OMS tasks watched, ${r.cycles} cycles an hour apart on a moved clock counted at the simulator, then each kept in sync every ${r.everyH} h (asked and approved through Slack) and ${r.cycles} cycles counted again. A run's own calls are its read of the task it follows (\`migrate_since\`), its \`POST /tasks\` and one read of the task it created (of the ${sum(r.withSync, (c) => c.shows)} task reads, ${sum(r.withSync, (c) => c.showsFollowed)} were of tasks there before the cycle, the ones followed, and the rest of the tasks created); list pages are held to the pages the watched tasks need (⌈tasks ÷ 100⌉, the runs watched too). **Extra reads: ${r.extraReads.total}** (most ${r.extraReads.most} in a cycle; ${r.extraReads.withoutTotal} without keep-in-sync); ${r.runs} runs at ${r.callsPerRun} calls each.`,
    '',
    '| cycles | OMS requests per cycle | list pages (needed) | task reads | creates | runs started | other |',
    '|---|---|---|---|---|---|---|',
    row('without keep-in-sync', r.without),
    row('with keep-in-sync', r.withSync),
    '',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runKeepSyncCycle({ smoke: process.argv.includes('--smoke'), log: (line) => console.log(line) })
    .then((r) => {
      console.log(JSON.stringify({ ...r, without: undefined, withSync: undefined }, null, 2));
      console.log(keepSyncSection(r).join('\n'));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
