import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/logger.js';
import { type AtomicKv, LocalAtomicKv, SKIP } from '../src/store/atomic-kv.js';
import { createStore } from '../src/store/create-store.js';
import { type WatchRecord, WatchStore, watchKey } from '../src/watcher/records/watch-store.js';
import { startRpc } from './rpc.js';

/**
 * Issue #15: "adding 10,000 watches on the embedded store ≤ 3 s (one record per watch, no
 * whole-list rewrite)". Each watch is what `/migrate watch` writes: its record, then its key in the
 * watch index. Measured on the embedded stores (SQLite file, memory) with this build's index and,
 * side by side in the same run, with the previous build's: 64 JSON lists by a hash of the key (one
 * list rewritten per watch), both on this build's store. (The previous build's SQLite adapter,
 * `@keyv/sqlite` over the `sqlite3` package, is no longer installed: it made `npm ci` build SQLite a
 * second time, from source on Node 26. Its figures are in git, in bench/results/report.md.)
 */
export type StoreWritesIndex = 'one row per watch (this build)' | '64 lists (previous build)';

export interface StoreWritesRow {
  store: 'sqlite' | 'memory';
  /**
   * `--compare`: the build whose store and index wrote, each in a process of its own (this build's
   * label is "this build"); absent: the in-process rows above.
   */
  build?: string;
  index: StoreWritesIndex;
  watches: number;
  ms: number;
  perWatchMs: number;
}

const THIS_BUILD: StoreWritesIndex = 'one row per watch (this build)';
const PREVIOUS_BUILD: StoreWritesIndex = '64 lists (previous build)';

/** The previous build's set, as it was: 64 JSON lists by an FNV-1a hash of the member. */
class SixtyFourListIndex extends LocalAtomicKv {
  override async setAdd(set: string, member: string): Promise<void> {
    let hash = 0x811c9dc5;
    for (let i = 0; i < member.length; i++) {
      hash ^= member.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    await this.update(`${set}#${(hash >>> 0) % 64}`, (raw) => {
      const members = raw === undefined ? [] : (JSON.parse(raw) as string[]);
      return members.includes(member) ? SKIP : JSON.stringify([...members, member]);
    });
  }
}

export function record(i: number): { key: string; record: WatchRecord } {
  const watch = {
    teamId: `T0TEAM${i % 10}`,
    channelId: `C0CHAN${i % 100}`,
    connection: `hw-${i % 34}`,
    kind: 'task' as const,
    id: String(191297407830000 + i),
    by: 'U0ALICE01',
    createdAt: Date.now(),
  };
  const snapshot = {
    provider: 'huawei-oms' as const,
    connection: watch.connection,
    kind: 'task' as const,
    id: watch.id,
    name: `photos-${i}`,
    state: 'running' as const,
    rawStatus: '2',
    progress: 0.4,
    bytes: { done: 4e9, total: 1e10 },
    objects: { done: 4000, total: 10000 },
    source: { cloud: 'AWS', region: 'us-east-1', bucket: 'photos' },
    destination: { region: 'cn-north-4', bucket: 'photos-obs' },
  };
  const value = {
    watch,
    snapshot,
    actions: ['pause'],
    state: 'running',
    run: 0,
    seq: 0,
    started: true,
    movedAt: 0,
    stalled: false,
    stallSeq: 0,
    card: { dirty: false },
    ended: false,
    outbox: [],
    sent: [],
  } as unknown as WatchRecord;
  return { key: watchKey(watch), record: value };
}

async function addWatches(backend: AtomicKv, n: number): Promise<number> {
  const watches = new WatchStore(backend);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const { key, record: r } = record(i);
    await watches.create(key, r);
  }
  return performance.now() - started;
}

export async function runStoreWrites(options: {
  watches: number;
  log: (line: string) => void;
  /** Another build's compiled tree and label (`--compare`). */
  compare?: { dir: string; label: string };
}) {
  const logger = createLogger({ level: 'silent' });
  const rows: StoreWritesRow[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'mb-bench-store-'));
  try {
    for (const kind of ['sqlite', 'memory'] as const) {
      for (const index of [THIS_BUILD, PREVIOUS_BUILD]) {
        const file = path.join(dir, `${rows.length}.sqlite`);
        const store = await createStore(kind === 'sqlite' ? `sqlite://${file}` : 'memory://', logger);
        const backend =
          index === THIS_BUILD ? new LocalAtomicKv(store, 'w:') : new SixtyFourListIndex(store, 'w:');
        const ms = await addWatches(backend, options.watches);
        await store.close();
        rows.push({
          store: kind,
          index,
          watches: options.watches,
          ms: Math.round(ms),
          perWatchMs: Math.round((ms / options.watches) * 1000) / 1000,
        });
        options.log(`store writes: ${kind}, ${index}: ${options.watches} watches in ${Math.round(ms)} ms`);
      }
    }
    // --compare: this build and the other take turns, each in a process of its own.
    if (options.compare)
      for (const kind of ['sqlite', 'memory'] as const)
        for (const build of [undefined, options.compare]) {
          const child = await startRpc('store-writes-build.js');
          try {
            const file = path.join(dir, `${rows.length}.sqlite`);
            const records = Array.from({ length: options.watches }, (_, i) => record(i));
            const { ms } = await child.call<{ ms: number }>(
              'measure',
              {
                buildDir: build?.dir,
                url: kind === 'sqlite' ? `sqlite://${file}` : 'memory://',
                watches: options.watches,
                records,
              },
              600_000,
            );
            const label = build?.label ?? 'this build';
            rows.push({
              store: kind,
              index: THIS_BUILD,
              build: label,
              watches: options.watches,
              ms: Math.round(ms),
              perWatchMs: Math.round((ms / options.watches) * 1000) / 1000,
            });
            options.log(`store writes: ${kind}, ${label} (own process): ${Math.round(ms)} ms`);
          } finally {
            await child.stop();
          }
        }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function storeWritesSection(rows: StoreWritesRow[]): string[] {
  const base = (r: StoreWritesRow) =>
    r.build ? undefined : rows.find((o) => o.store === r.store && o.index === PREVIOUS_BUILD)?.ms;
  return [
    '## Adding watches to the embedded store',
    '',
    'What `/migrate watch` writes per watch (its record, then its key in the watch index), one watch after another, in this process. The previous build kept the index in 64 JSON lists by a hash of the key (one list read and rewritten per watch); this build keeps one row per watch in a table of its own (`INSERT OR IGNORE`, `DELETE`), on prepared statements on one kept connection through `better-sqlite3`. Both indexes measured on the store of this build, in the same run, one after the other. (The previous build also reached SQLite through `@keyv/sqlite` over the `sqlite3` package, a statement prepared per call and a thread-pool round trip each; that adapter is no longer installed, and its rows are in git.)',
    '',
    '| store | index | watches | total (ms) | per watch (ms) | previous ÷ this |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.store} | ${r.build ? `${r.build}, own process` : r.index} | ${r.watches.toLocaleString('en-US')} | ${r.ms.toLocaleString('en-US')} | ${r.perWatchMs} | ${r.index === THIS_BUILD && base(r) ? `${Math.round((base(r)! / r.ms) * 10) / 10}×` : '–'} |`,
    ),
    '',
  ];
}
