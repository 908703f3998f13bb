import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AckLatencyResult } from './ack/ack-latency.js';
import type { HungProviderResult } from './ack/hung-provider.js';
import { type PollScaleOptions, type PollScaleRow, runPollScale } from './poll/poll-scale.js';
import type { ReplicaResult } from './replica/replica-types.js';
import type { StoreWritesRow } from './store-writes.js';
import { evaluate, type Target } from './targets.js';

/**
 * `--compare=<dir>`: another build's compiled bench (its `dist-bench`), measured by this build's
 * harness in the same run, its processes taking turns with this build's: the ack bursts within
 * each round, the poll rows size by size, the store writes store by store, the hung-provider
 * benchmark after this build's. Its figures stand beside this build's in the targets table.
 *
 * What the other build's processes must answer: `bench/ack/bot-process.js` (the ack and hung-provider
 * roles, configured by environment), `bench/poll/poll-watcher.js` (start, watchAll, cycle, bareList,
 * backlog, memory, liveHeap, stats, stop over IPC: unchanged since issue #15), and
 * `src/{logger,store/create-store,store/atomic-kv}.js` and its watch index (`watchStoreModule`) for
 * the store writes.
 * The replica rows on one Redis are compared (the other build's watcher needs `loopStart`, `loopTake`
 * and `loopStop`: issue #41 on); the cluster rows (issue #50) and the subscriptions row are not.
 */
export interface CompareBuild {
  dir: string;
  label: string;
  botScript: string;
  watcherScript: string;
}

/**
 * Where a build's compiled watch index is: `src/watcher/records/` since the watcher's split into
 * subfolders (0671008), `src/watcher/` in the builds before it (e.g. `e24f3fb^`).
 */
export const WATCH_STORE_PATHS = ['src/watcher/records/watch-store.js', 'src/watcher/watch-store.js'];

export function watchStoreModule(root: string): string {
  return firstIn(root, WATCH_STORE_PATHS);
}

/**
 * Where a build's bench processes are: in subfolders by idea (`bench/ack/`, `bench/poll/`) since the
 * bench's grouping, beside `bench/run.js` in the builds before it.
 */
export const BOT_SCRIPT_PATHS = ['bench/ack/bot-process.js', 'bench/bot-process.js'];
export const WATCHER_SCRIPT_PATHS = ['bench/poll/poll-watcher.js', 'bench/poll-watcher.js'];

function firstIn(root: string, paths: readonly string[]): string {
  const found = paths.find((p) => existsSync(path.join(root, p)));
  if (!found) throw new Error(`--compare: no ${paths.join(' or ')} in ${root}`);
  return found;
}

export function compareBuildOf(dir: string | undefined, label: string | undefined): CompareBuild | undefined {
  if (!dir) return undefined;
  const root = path.resolve(dir);
  const build = {
    dir: root,
    label: label ?? `the build in ${dir}`,
    botScript: path.join(root, firstIn(root, BOT_SCRIPT_PATHS)),
    watcherScript: path.join(root, firstIn(root, WATCHER_SCRIPT_PATHS)),
  };
  const needed = [
    ...['logger', 'store/create-store', 'store/atomic-kv'].map((m) => path.join(root, 'src', `${m}.js`)),
  ];
  for (const file of needed) if (!existsSync(file)) throw new Error(`--compare: ${file} does not exist`);
  watchStoreModule(root);
  return build;
}

/** Poll rows size by size: this build's, then the other's (no naive poller: it is not the build's). */
export async function pollTurns(options: PollScaleOptions, compare?: CompareBuild): Promise<PollScaleRow[]> {
  const rows: PollScaleRow[] = [];
  for (const size of options.sizes) {
    rows.push(...(await runPollScale({ ...options, sizes: [size] })));
    if (compare)
      rows.push(
        ...(await runPollScale({
          ...options,
          sizes: [size],
          naiveUpTo: 0,
          watcherScript: compare.watcherScript,
          build: compare.label,
        })),
      );
  }
  return rows;
}

/** The other build's figures, judged as this build's are, keyed by what they measure. */
export function compareFigures(
  compare: CompareBuild | undefined,
  ack: AckLatencyResult | undefined,
  poll: PollScaleRow[],
  hung: HungProviderResult | undefined,
  store: StoreWritesRow[] | undefined,
  ackShared?: AckLatencyResult,
  replica?: ReplicaResult[],
): Map<string, Target> {
  const out = new Map<string, Target>();
  if (!compare) return out;
  const name = `migrate-bot, ${compare.label}`;
  // Its bot row becomes the one judged (the first bot row), floors kept.
  const theirs = (a: AckLatencyResult | undefined) =>
    a?.rows.some((r) => r.name === name)
      ? { ...a, rows: a.rows.filter((r) => r.role !== 'bot' || r.name === name) }
      : undefined;
  const judged = evaluate(
    theirs(ack),
    poll.filter((r) => r.build === compare.label).map(({ build: _b, ...r }) => r),
    hung?.build === compare.label ? hung : undefined,
    store?.filter((r) => r.build === compare.label).map(({ build: _b, ...r }) => r),
    theirs(ackShared),
    replica?.find((r) => r.build === compare.label && r.topology !== 'cluster'),
  );
  for (const t of [...judged.targets, ...judged.checks]) out.set(t.what, t);
  // The other build's store writes ran in a process of their own: so did this build's, beside them.
  const own = store?.find((r) => r.build === 'this build' && r.store === 'sqlite');
  for (const [what, t] of out)
    if (what.startsWith('adding ') && own)
      out.set(what, {
        ...t,
        figure: `${t.figure} (own process; this build's own process ${(own.ms / 1000).toFixed(2)} s)`,
      });
  return out;
}

/** The targets table, with the other build's figure and verdict beside each row when compared. */
export function targetTable(rows: Target[], other?: Map<string, Target>, label?: string): string[] {
  const verdict = (t: Target) => (t.met === null ? '–' : t.met ? 'yes' : '**no**');
  if (!other || other.size === 0)
    return [
      '| measure | target | figure | met |',
      '|---|---|---|---|',
      ...rows.map((t) => `| ${t.what} | ${t.target} | ${t.figure} | ${verdict(t)} |`),
      '',
    ];
  return [
    `| measure | target | figure | met | ${label}: figure | met |`,
    '|---|---|---|---|---|---|',
    ...rows.map((t) => {
      const o = other.get(t.what);
      return `| ${t.what} | ${t.target} | ${t.figure} | ${verdict(t)} | ${o ? o.figure : 'not compared'} | ${o ? verdict(o) : '–'} |`;
    }),
    '',
  ];
}
