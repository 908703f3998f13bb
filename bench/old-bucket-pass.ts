import { pathToFileURL } from 'node:url';
import { ObjectStoreSimulator } from '../dev/simulators/object-store/index.js';
import type { CutoverState } from '../src/capabilities/cutover/state.js';
import { oldBucketPassSettled } from '../src/capabilities/cutover/watch/old-bucket-watch.js';
import { PASS_PAGES } from '../src/capabilities/cutover/watch/watch-record.js';
import { DST_SK, messageText, omsConnection, SRC_SK, TestBot } from '../test/harness/test-bot.js';
import { TestClock } from '../test/harness/test-clock.js';
import type { Target } from './targets.js';

/**
 * Issue 76's row: the old-bucket watch's listing cost per pass, stated. The real app in this
 * process (`TestBot`, fake Slack, OMS simulator, memory store) and an S3 simulator holding each
 * migration's source bucket of N keys written before the cut-over. For each N: one finished OMS
 * task watched, `/migrate cutover watch` started, then `passes` watcher passes an hour apart on a
 * moved clock (one stray write before the second), the S3 requests of each pass counted at the
 * simulator (`ListObjectsV2` pages of 1,000 keys). The bound is `PASS_PAGES` pages a pass; a
 * bigger source is listed over several passes, each resuming where the last stopped.
 */
export interface OldBucketPassResult {
  smoke: boolean;
  bound: { pages: number; keys: number };
  rows: OldBucketRow[];
}

export interface OldBucketRow {
  keys: number;
  /** S3 requests of each pass (all `ListObjectsV2`), in order. */
  perPass: number[];
  /** Passes until the stray write was told in the thread (0: not told). */
  toldAfter: number;
  /** Passes a whole listing of the source takes: ⌈pages ÷ bound⌉. */
  passesPerSweep: number;
}

const CHANNEL = 'C0BENCHOB';
const SRC_AK = 'AKIASOURCE0000000001';
const DST_AK = 'OBSDESTINATION000001';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export async function runOldBucketPass(options: {
  smoke: boolean;
  log: (line: string) => void;
}): Promise<OldBucketPassResult> {
  const sizes = options.smoke ? [1_000, 10_000] : [1_000, 10_000, 50_000];
  const passes = 4;
  const store = new ObjectStoreSimulator({
    keys: { [SRC_AK]: { secret: SRC_SK }, [DST_AK]: { secret: DST_SK } },
  });
  await store.start();
  const clock = new TestClock();
  const t = new TestBot();
  const connections = (omsUrl: string) => {
    const base = omsConnection('hw-prod', omsUrl);
    return [
      {
        ...base,
        storage: {
          source: { ...base.storage.source!, endpoint: store.url },
          destination: { ...base.storage.destination!, endpoint: store.url },
        },
      },
    ];
  };
  await t.start({
    env: { POLL_INTERVAL_SECONDS: '0', MIGRATE_BOT_ALLOWED_ENDPOINTS: store.url },
    connections,
    watcher: { clock, editBudget: { windowMs: 10_000, max: 100_000 } },
  });
  const state = t.bot.deps.capabilities.stateOf('cutover') as CutoverState;
  const rows: OldBucketRow[] = [];
  try {
    t.oms.clock.freeze();
    for (const n of sizes) {
      const bucket = `bench-ob-${n}`;
      const b = store.bucket(bucket);
      for (let i = 0; i < n; i++)
        b.put(`data/${String(i).padStart(7, '0')}.bin`, {
          size: 1024,
          etag: `"${i.toString(16).padStart(32, '0')}"`,
          lastModified: clock.now() - DAY,
        });
      const task = t.oms.addTask({
        name: `bench-ob-${n}`,
        status: 5,
        progress: 1,
        totalSize: n * 1024,
        totalNum: n,
        src: { cloud_type: 'AWS', region: 'us-east-1', bucket },
        dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
      });
      await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
      await t.bot.deps.watcher.runCycle();
      const started = messageText(await t.ask(`cutover watch hw-prod:${task.id} 3`, { channelId: CHANNEL }));
      if (!started.includes('for 3 days')) throw new Error(`cutover watch: ${started}`);
      const perPass: number[] = [];
      let toldAfter = 0;
      for (let p = 1; p <= passes; p++) {
        clock.advance(HOUR);
        if (p === 2)
          b.put('data/stray-after-cutover.txt', { size: 10, etag: '"0"', lastModified: clock.now() });
        const before = store.calls.length;
        await oldBucketPassSettled(state);
        await t.bot.scheduler.tick('cycle');
        await oldBucketPassSettled(state);
        perPass.push(store.calls.length - before);
        const told = t.fakeSlack.callsTo('chat.postMessage').some((c) => {
          const text = messageText(c.body);
          return text.includes(task.id) && text.includes('written to the old bucket since the cut-over');
        });
        if (told && toldAfter === 0 && p >= 2) toldAfter = p - 1;
      }
      // Past its 3 days the watch ends: the next size's passes list only their own bucket.
      clock.advance(4 * DAY);
      await oldBucketPassSettled(state);
      await t.bot.scheduler.tick('cycle');
      await oldBucketPassSettled(state);
      const pages = Math.ceil((n + 1) / 1000);
      rows.push({ keys: n, perPass, toldAfter, passesPerSweep: Math.ceil(pages / PASS_PAGES) });
      options.log(`  old bucket: ${n} keys, S3 requests per pass ${perPass.join(' ')}`);
    }
    return { smoke: options.smoke, bound: { pages: PASS_PAGES, keys: PASS_PAGES * 1000 }, rows };
  } finally {
    await t.stop();
    await store.stop();
  }
}

/** Stated, with the bound: judged that no pass lists more than the bound. */
export function oldBucketTargets(r: OldBucketPassResult | undefined): Target[] {
  if (!r) return [];
  return [
    {
      what: `S3 requests per pass of the old-bucket watch (${r.rows.map((x) => x.keys.toLocaleString('en-US')).join(' / ')} keys${r.smoke ? '; smoke' : ''})`,
      target: `≤ ${r.bound.pages} (the bound)`,
      figure: r.rows.map((x) => `${Math.max(...x.perPass)}`).join(' / '),
      met: r.smoke ? null : r.rows.every((x) => Math.max(...x.perPass) <= r.bound.pages),
    },
  ];
}

export function oldBucketSection(r: OldBucketPassResult | undefined): string[] {
  if (!r) return [];
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    '## The old-bucket watch’s listing cost',
    '',
    `Issue 76: after a cut-over the bot lists the source prefix on each watcher pass for keys written since. One finished OMS task per size, its source bucket of N keys written before the cut-over on an S3 simulator, \`/migrate cutover watch\` started, then passes an hour apart on a moved clock (one stray key written before the second), each pass's S3 requests counted at the simulator. **The bound: ${r.bound.pages} \`ListObjectsV2\` pages of 1,000 keys a pass (${n(r.bound.keys)} keys)**; a bigger source is read over several passes, each resuming after the last key read, so a stray write is told within ⌈pages ÷ ${r.bound.pages}⌉ + 1 passes.`,
    '',
    '| keys in the source | S3 requests, pass by pass | passes per whole listing | stray write told after |',
    '|---|---|---|---|',
    ...r.rows.map(
      (x) =>
        `| ${n(x.keys)} | ${x.perPass.join(' · ')} | ${x.passesPerSweep} | ${x.toldAfter ? `${x.toldAfter} pass${x.toldAfter > 1 ? 'es' : ''}` : 'not told'} |`,
    ),
    '',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runOldBucketPass({ smoke: process.argv.includes('--smoke'), log: (line) => console.log(line) })
    .then((r) => {
      console.log(oldBucketSection(r).join('\n'));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
