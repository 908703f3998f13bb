import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Reads a V8 `.heapsnapshot` (from `v8.writeHeapSnapshot()`, e.g. the poll benchmark's watcher with
 * BENCH_HEAP_SNAPSHOT_DIR) and sums it by constructor: objects, self size and retained size, as the
 * DevTools "Summary" view does. Retained sizes come from the dominator tree (weak edges ignored), and
 * a class's retained size counts only its outermost instances, so nested ones are not counted twice.
 *   node dist-bench/bench/heap-summary.js a.heapsnapshot [b.heapsnapshot] [--top=30]
 * With two files, the second is compared with the first (what 10,000 watches add, say). With
 * `--alloc`, the files are `.heapprofile`s (`BENCH_CYCLE_ALLOC_DIR`): bytes allocated by file and
 * by function.
 */
export interface HeapSnapshotJson {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface ClassRow {
  name: string;
  count: number;
  selfBytes: number;
  retainedBytes: number;
}

export interface HeapSummary {
  nodes: number;
  totalBytes: number;
  /** Self size by V8 node type (object, string, code, array, hidden, closure…). */
  byType: Record<string, number>;
  classes: ClassRow[];
  /** The `top` largest single retainers: one node and what it dominates. */
  largest: { name: string; type: string; retainedBytes: number; dominators: string[] }[];
}

/** A node's class as DevTools names it: the constructor for objects and closures, `(type)` otherwise. */
function classOf(type: string, name: string): string {
  if (type === 'object' || type === 'native') return name;
  if (type === 'closure') return `${name || '(anonymous)'}()`;
  if (type === 'concatenated string' || type === 'sliced string') return '(string)';
  return `(${type})`;
}

export function summarize(json: HeapSnapshotJson, top = 30): HeapSummary {
  const { meta } = json.snapshot;
  const nodeFieldCount = meta.node_fields.length;
  const edgeFieldCount = meta.edge_fields.length;
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const edgeTypeAt = meta.edge_fields.indexOf('type');
  const toAt = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0];
  const weak = meta.edge_types[0].indexOf('weak');
  const n = json.nodes.length / nodeFieldCount;

  // Outgoing edges (strong only) as a CSR: first edge of node i at start[i].
  const start = new Uint32Array(n + 1);
  const targets: number[] = [];
  for (let i = 0, e = 0; i < n; i++) {
    start[i] = targets.length;
    const count = json.nodes[i * nodeFieldCount + edgeCountAt]!;
    for (let k = 0; k < count; k++, e += edgeFieldCount)
      if (json.edges[e + edgeTypeAt] !== weak) targets.push(json.edges[e + toAt]! / nodeFieldCount);
  }
  start[n] = targets.length;

  const order = postOrder(n, start, targets);
  const idom = dominators(n, start, targets, order);
  const self = new Float64Array(n);
  for (let i = 0; i < n; i++) self[i] = json.nodes[i * nodeFieldCount + sizeAt]!;
  // Retained = self + what a node dominates: children come before their dominator in post-order.
  const retained = Float64Array.from(self);
  for (const v of order.nodes) if (v !== 0 && idom[v]! >= 0) retained[idom[v]!]! += retained[v]!;

  const names = new Array<string>(n);
  const types = new Array<string>(n);
  const byType: Record<string, number> = {};
  let totalBytes = 0;
  for (let i = 0; i < n; i++) {
    const type = nodeTypes[json.nodes[i * nodeFieldCount + typeAt]!]!;
    types[i] = type;
    names[i] = classOf(type, json.strings[json.nodes[i * nodeFieldCount + nameAt]!]!);
    if (order.reached[i]) {
      byType[type] = (byType[type] ?? 0) + self[i]!;
      totalBytes += self[i]!;
    }
  }
  const classes = classRows(n, idom, order, names, self, retained);
  // The largest single retainers (a Map of records, a module's namespace…), not the synthetic roots.
  const largest = [...order.nodes]
    .filter((v) => v !== 0 && types[v] !== 'synthetic')
    .sort((a, b) => retained[b]! - retained[a]!)
    .slice(0, top)
    .map((v) => ({
      name: names[v]!,
      type: types[v]!,
      retainedBytes: retained[v]!,
      dominators: dominatorChain(v, idom, names),
    }));
  return { nodes: n, totalBytes, byType, classes, largest };
}

/** The names of what holds `v` alive, nearest first (up to 6): where a large retainer hangs. */
function dominatorChain(v: number, idom: Int32Array, names: string[]): string[] {
  const chain: string[] = [];
  for (let d = idom[v]!; d > 0 && chain.length < 6; d = idom[d]!) chain.push(names[d]!);
  return chain;
}

/** Post-order of the nodes reachable from the root (node 0), iteratively (graphs of millions). */
function postOrder(n: number, start: Uint32Array, targets: number[]) {
  const reached = new Uint8Array(n);
  const index = new Int32Array(n).fill(-1);
  const nodes: number[] = [];
  const stack = [0];
  const next = new Uint32Array(n);
  reached[0] = 1;
  next[0] = start[0]!;
  while (stack.length > 0) {
    const v = stack[stack.length - 1]!;
    if (next[v]! < start[v + 1]!) {
      const w = targets[next[v]!++]!;
      if (!reached[w]) {
        reached[w] = 1;
        next[w] = start[w]!;
        stack.push(w);
      }
      continue;
    }
    stack.pop();
    index[v] = nodes.length;
    nodes.push(v);
  }
  return { nodes, index, reached };
}

/** Immediate dominators (Cooper, Harvey and Kennedy's iterative algorithm); -1 when unreached. */
function dominators(
  n: number,
  start: Uint32Array,
  targets: number[],
  order: ReturnType<typeof postOrder>,
): Int32Array {
  const preds: number[][] = Array.from({ length: n }, () => []);
  for (let v = 0; v < n; v++)
    if (order.reached[v]) for (let k = start[v]!; k < start[v + 1]!; k++) preds[targets[k]!]!.push(v);
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (order.index[a]! < order.index[b]!) a = idom[a]!;
      while (order.index[b]! < order.index[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = order.nodes.length - 2; i >= 0; i--) {
      const v = order.nodes[i]!;
      let dom = -1;
      for (const p of preds[v]!) if (idom[p] !== -1) dom = dom === -1 ? p : intersect(p, dom);
      if (dom !== -1 && idom[v] !== dom) {
        idom[v] = dom;
        changed = true;
      }
    }
  }
  return idom;
}

/** Per class: count, self, and the retained size of its instances not inside another of them. */
function classRows(
  n: number,
  idom: Int32Array,
  order: ReturnType<typeof postOrder>,
  names: string[],
  self: Float64Array,
  retained: Float64Array,
): ClassRow[] {
  const children: number[][] = Array.from({ length: n }, () => []);
  for (const v of order.nodes) if (v !== 0) children[idom[v]!]!.push(v);
  const rows = new Map<string, ClassRow>();
  const open = new Map<string, number>();
  const stack: [number, boolean][] = [[0, false]];
  while (stack.length > 0) {
    const [v, leaving] = stack.pop()!;
    const name = names[v]!;
    if (leaving) {
      open.set(name, open.get(name)! - 1);
      continue;
    }
    const row = rows.get(name) ?? { name, count: 0, selfBytes: 0, retainedBytes: 0 };
    rows.set(name, row);
    row.count++;
    row.selfBytes += self[v]!;
    if (!open.get(name)) row.retainedBytes += retained[v]!;
    open.set(name, (open.get(name) ?? 0) + 1);
    stack.push([v, true]);
    for (const c of children[v]!) stack.push([c, false]);
  }
  rows.delete(names[0]!);
  return [...rows.values()].sort((a, b) => b.retainedBytes - a.retainedBytes || b.selfBytes - a.selfBytes);
}

/** Per class, what `after` has more than `before` (objects and self size), largest first. */
export function compareSummaries(before: HeapSummary, after: HeapSummary): ClassRow[] {
  const was = new Map(before.classes.map((c) => [c.name, c]));
  return after.classes
    .map((c) => ({
      name: c.name,
      count: c.count - (was.get(c.name)?.count ?? 0),
      selfBytes: c.selfBytes - (was.get(c.name)?.selfBytes ?? 0),
      retainedBytes: c.retainedBytes - (was.get(c.name)?.retainedBytes ?? 0),
    }))
    .sort((a, b) => b.selfBytes - a.selfBytes);
}

/** A `.heapprofile` (V8's sampling heap profiler): a tree of call frames, bytes sampled at each. */
export interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapProfileNode[];
}

/**
 * Bytes allocated by function (`name file:line`) and by file, largest first: where a cycle's
 * garbage comes from when the profile includes collected objects (`BENCH_CYCLE_ALLOC_DIR`).
 */
export function allocationsByFunction(head: HeapProfileNode): {
  totalBytes: number;
  functions: [string, number][];
  files: [string, number][];
} {
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let totalBytes = 0;
  const stack = [head];
  while (stack.length > 0) {
    const node = stack.pop()!;
    stack.push(...node.children);
    if (node.selfSize === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\/.*?\/(node_modules|dist-bench)\//, '') || '(native)';
    const name = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + node.selfSize);
    files.set(file, (files.get(file) ?? 0) + node.selfSize);
    totalBytes += node.selfSize;
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalBytes, functions: sorted(functions), files: sorted(files) };
}

const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(2);

function table(summary: HeapSummary): string[] {
  const lines = [
    `${summary.nodes} nodes, ${mb(summary.totalBytes)} MB reachable`,
    `by type: ${Object.entries(summary.byType)
      .sort((a, b) => b[1] - a[1])
      .map(([t, b]) => `${t} ${mb(b)}`)
      .join(', ')}`,
    '',
    '| class | objects | self (MB) | retained (MB) |',
    '|---|---|---|---|',
    ...summary.classes.map((c) => `| ${c.name} | ${c.count} | ${mb(c.selfBytes)} | ${mb(c.retainedBytes)} |`),
    '',
    'largest retainers:',
    ...summary.largest.map(
      (l) => `  ${mb(l.retainedBytes)} MB  ${l.name} (${l.type}) ← ${l.dominators.join(' ← ') || 'root'}`,
    ),
  ];
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 30);
  if (process.argv.includes('--alloc')) {
    for (const file of files) {
      const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapProfileNode };
      const a = allocationsByFunction(head);
      console.log(`## ${file}: ${mb(a.totalBytes)} MB allocated (sampled)`);
      for (const [name, bytes] of a.files.slice(0, top))
        console.log(`  ${mb(bytes).padStart(7)} MB  ${name}`);
      console.log('');
      for (const [name, bytes] of a.functions.slice(0, top))
        console.log(`  ${mb(bytes).padStart(7)} MB  ${name}`);
      console.log('');
    }
    process.exit(0);
  }
  const load = (file: string) => summarize(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotJson, top);
  const summaries = files.map(load);
  for (const [i, s] of summaries.entries())
    console.log([`## ${files[i]}`, ...table({ ...s, classes: s.classes.slice(0, top) }), ''].join('\n'));
  if (summaries.length === 2) {
    const delta = compareSummaries(summaries[0]!, summaries[1]!).slice(0, top);
    console.log(
      [
        `## ${files[1]} − ${files[0]}: ${mb(summaries[1]!.totalBytes - summaries[0]!.totalBytes)} MB`,
        '| class | objects | self (MB) | retained (MB) |',
        '|---|---|---|---|',
        ...delta.map((c) => `| ${c.name} | ${c.count} | ${mb(c.selfBytes)} | ${mb(c.retainedBytes)} |`),
      ].join('\n'),
    );
  }
}
