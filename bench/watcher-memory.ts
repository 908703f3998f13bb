import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { startProfiler } from './inspector-session.js';

/**
 * Where the poll benchmark's watcher keeps its memory (issue 75, item 8; docs/performance.md "Where
 * the watcher's RSS goes"): the split of a cycle's peak RSS, heap snapshots, and what the measured
 * cycles allocate. The last two are asked for by environment variables and cost memory of their own.
 */
const mb = (n: number) => Math.round((n / 1024 ** 2) * 10) / 10;

/**
 * The RSS at a cycle's peak split as V8 sees it (MB): each heap space's committed size (new space is
 * both semi-spaces) and what is in use in it (garbage included until it is collected), buffers
 * outside the heap, and the rest (Node's own code and data pages, malloc arenas, thread stacks),
 * which no heap snapshot shows.
 */
export interface PeakBreakdown {
  rssMb: number;
  spaces: Record<string, { committedMb: number; usedMb: number }>;
  heapCommittedMb: number;
  externalMb: number;
  outsideHeapMb: number;
}

export function peakBreakdown(rss: number): PeakBreakdown {
  const spaces: PeakBreakdown['spaces'] = {};
  let committed = 0;
  for (const s of getHeapSpaceStatistics()) {
    if (s.physical_space_size === 0) continue;
    spaces[s.space_name] = { committedMb: mb(s.physical_space_size), usedMb: mb(s.space_used_size) };
    committed += s.physical_space_size;
  }
  // `external` counts the array buffers already (Node's docs).
  const { external } = process.memoryUsage();
  return {
    rssMb: mb(rss),
    spaces,
    heapCommittedMb: mb(committed),
    externalMb: mb(external),
    outsideHeapMb: mb(rss - committed - external),
  };
}

/**
 * BENCH_HEAP_SNAPSHOT_DIR=dir: writes `<label>.heapsnapshot` there, and the process's memory before
 * and after it. V8 collects first, so the snapshot shows what is live; writing it costs RSS (about
 * 110 MB at 10,000 watches, kept by malloc): not for a run whose RSS is judged.
 * `bench/heap-summary.ts` sums one by constructor and retained size.
 */
export function heapSnapshot({ label }: { label: string }, memory: () => object): string | undefined {
  const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  const before = memory();
  const file = writeHeapSnapshot(path.join(dir, `${label}.heapsnapshot`));
  writeFileSync(path.join(dir, `${label}.memory.json`), JSON.stringify({ before, after: memory() }));
  return file;
}

/**
 * BENCH_CYCLE_ALLOC_DIR=dir: V8's sampling heap profiler over each measured cycle, the objects
 * collected since included, so the profile shows the cycle's garbage by the function that allocated
 * it, not only what is left (`.heapprofile`, readable by DevTools; `bench/heap-summary.ts --alloc`).
 */
export async function startAllocationSampling(): Promise<{ stop(): Promise<void> } | undefined> {
  const dir = process.env.BENCH_CYCLE_ALLOC_DIR;
  if (!dir) return undefined;
  return startProfiler(dir, {
    domain: 'HeapProfiler',
    start: 'startSampling',
    params: {
      samplingInterval: 16_384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    },
    stop: 'stopSampling',
    extension: 'heapprofile',
  });
}
