import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareSummaries, type HeapSnapshotJson, summarize } from '../../bench/heap-summary.js';

// Issue 75 item 8's evidence is a heap snapshot summed by constructor and retained size: these pin
// that a shared object is retained by neither holder, a weak edge keeps nothing, and an instance
// inside another of its class is not counted twice.
const NODE_FIELDS = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];
const NODE_TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'synthetic'];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

/** A snapshot of `nodes` (type, name, self size, edges as [to, weak?]), node 0 the root. */
function snapshotOf(nodes: [string, string, number, [number, boolean?][]][]): HeapSnapshotJson {
  const strings: string[] = [];
  const str = (s: string) => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  const flatNodes: number[] = [];
  const edges: number[] = [];
  for (const [i, [type, name, size, out]] of nodes.entries()) {
    flatNodes.push(NODE_TYPES.indexOf(type), str(name), i * 2 + 1, size, out.length, 0, 0);
    for (const [to, weak] of out)
      edges.push(EDGE_TYPES.indexOf(weak ? 'weak' : 'property'), str('p'), to * NODE_FIELDS.length);
  }
  return {
    snapshot: {
      meta: {
        node_fields: NODE_FIELDS,
        node_types: [NODE_TYPES],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [EDGE_TYPES],
      },
    },
    nodes: flatNodes,
    edges,
    strings,
  };
}

describe('heap snapshot summary (bench/heap-summary.ts)', () => {
  const graph = snapshotOf([
    ['synthetic', '', 0, [[1], [5], [6, true]]], // 0: root
    ['object', 'Store', 10, [[2], [7]]], // 1
    ['object', 'Map', 20, [[3], [4]]], // 2
    ['string', 'record', 100, []], // 3: only the Map holds it
    ['string', 'shared', 50, []], // 4: held by the Map and by the second Store
    ['object', 'Store', 5, [[4]]], // 5
    ['object', 'Cache', 1000, []], // 6: reached by a weak edge only
    ['object', 'Store', 7, []], // 7: a Store inside a Store
  ]);
  const summary = summarize(graph, 10);
  const row = (name: string) => summary.classes.find((c) => c.name === name);

  it('retains what only a node reaches, not what it shares or reaches weakly', () => {
    expect(summary.totalBytes).toBe(10 + 20 + 100 + 50 + 5 + 7);
    expect(row('Map')).toEqual({ name: 'Map', count: 1, selfBytes: 20, retainedBytes: 120 });
    expect(row('Cache')).toBeUndefined();
    expect(summary.largest[0]).toMatchObject({ name: 'Store', retainedBytes: 137, dominators: [] });
    expect(summary.byType).toEqual({ synthetic: 0, object: 42, string: 150 });
  });

  it('counts a class once where its instances nest', () => {
    expect(row('Store')).toEqual({ name: 'Store', count: 3, selfBytes: 22, retainedBytes: 137 + 5 });
  });

  it('compares two snapshots by class', () => {
    const fewer = summarize(
      snapshotOf([
        ['synthetic', '', 0, [[1]]],
        ['object', 'Store', 10, []],
      ]),
    );
    const delta = compareSummaries(fewer, summary);
    expect(delta.find((c) => c.name === 'Store')).toMatchObject({ count: 2, selfBytes: 12 });
    expect(delta.find((c) => c.name === 'Map')).toMatchObject({ count: 1, selfBytes: 20 });
  });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'heap-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a snapshot V8 wrote, and finds what a process holds', () => {
    const file = path.join(dir, 'ballast.heapsnapshot');
    // A child process of its own: a snapshot of a few MB, not of the test runner's heap.
    execFileSync(process.execPath, [
      '-e',
      `class Ballast { constructor() { this.items = Array.from({ length: 20000 }, (_, i) => ({ i })); } }
       globalThis.kept = new Ballast();
       require('node:v8').writeHeapSnapshot(${JSON.stringify(file)});`,
    ]);
    const real = summarize(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotJson, 5);
    const ballast = real.classes.find((c) => c.name === 'Ballast');
    // 20,000 small objects and the array holding them: hundreds of KB, all of it the Ballast's.
    expect(ballast?.count).toBe(1);
    expect(ballast!.retainedBytes).toBeGreaterThan(20_000 * 12);
    expect(real.largest[0]!.retainedBytes).toBeGreaterThanOrEqual(ballast!.retainedBytes);
    expect(real.totalBytes).toBeGreaterThan(ballast!.retainedBytes);
    // A child's start and a snapshot of a few MB: slow on a loaded shared machine, not a bound.
  }, 120_000);
});
