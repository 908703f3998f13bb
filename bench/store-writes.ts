import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/logger.js';
import { type AtomicKv, LocalAtomicKv, SKIP } from '../src/store/atomic-kv.js';
import { createStore } from '../src/store/create-store.js';
import { type WatchRecord, WatchStore, watchKey } from '../src/watcher/watch-store.js';

/**
 * Issue #15: "adding 10,000 watches on the embedded store ≤ 3 s (one record per watch, no
 * whole-list rewrite)". Each watch is what `/migrate watch` writes: its record, then its key in the
 * watch index. Measured on the embedded stores (SQLite file, memory) with this build's index and,
 * side by side in the same run, with the previous build's index (one JSON list rewritten per watch).
 */
export interface StoreWritesRow {
  store: 'sqlite' | 'memory';
  index: 'sharded (this build)' | 'one list (previous build)';
  watches: number;
  ms: number;
  perWatchMs: number;
}

/** The previous build's set: the whole member list read, extended and written back per add. */
class OneListIndex extends LocalAtomicKv {
  override async setAdd(set: string, member: string): Promise<void> {
    await this.update(`${set}:list`, (raw) => {
      const members = raw === undefined ? [] : (JSON.parse(raw) as string[]);
      return members.includes(member) ? SKIP : JSON.stringify([...members, member]);
    });
  }
}

function record(i: number): { key: string; record: WatchRecord } {
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

export async function runStoreWrites(options: { watches: number; log: (line: string) => void }) {
  const logger = createLogger({ level: 'silent' });
  const rows: StoreWritesRow[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'mb-bench-store-'));
  try {
    for (const kind of ['sqlite', 'memory'] as const) {
      for (const index of ['sharded (this build)', 'one list (previous build)'] as const) {
        const url = kind === 'sqlite' ? `sqlite://${path.join(dir, `${rows.length}.sqlite`)}` : 'memory://';
        const store = await createStore(url, logger);
        const backend =
          index === 'sharded (this build)' ? new LocalAtomicKv(store, 'w:') : new OneListIndex(store, 'w:');
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function storeWritesSection(rows: StoreWritesRow[]): string[] {
  const base = (r: StoreWritesRow) =>
    rows.find((o) => o.store === r.store && o.index === 'one list (previous build)')?.ms;
  return [
    '## Adding watches to the embedded store',
    '',
    'What `/migrate watch` writes per watch (its record, then its key in the watch index), one watch after another, in this process. The previous build kept the index as one JSON list, rewritten per watch; this build keeps it in 64 small lists by a hash of the key, and opens SQLite with a write-ahead log. Both measured in the same run.',
    '',
    '| store | index | watches | total (ms) | per watch (ms) | previous ÷ this |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.store} | ${r.index} | ${r.watches.toLocaleString('en-US')} | ${r.ms.toLocaleString('en-US')} | ${r.perWatchMs} | ${r.index === 'sharded (this build)' && base(r) ? `${Math.round((base(r)! / r.ms) * 10) / 10}×` : '–'} |`,
    ),
    '',
  ];
}
