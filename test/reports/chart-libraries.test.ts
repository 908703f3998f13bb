import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { throughputChartPng } from '../../src/reports/throughput-chart.js';

const SRC = path.resolve(import.meta.dirname, '..', '..', 'src');
const CHART_LIBRARIES = /^\s*import\s+(?!type\b)[^;]*from\s+'(vega|vega-lite|@resvg\/resvg-js)'/m;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

// Issue #15, RSS: Vega, Vega-Lite and resvg weigh about 24 MB in a process, and only a finished
// watched task needs them. No module loads them up front; the chart loads them when it is drawn.
describe('the chart libraries', () => {
  it('are imported by no module at start-up (types only, or a dynamic import)', () => {
    const eager = sources(SRC)
      .filter((file) => CHART_LIBRARIES.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(SRC, file));
    expect(eager).toEqual([]);
  });

  it('are loaded when a chart is drawn, and the chart is a PNG', async () => {
    const samples = Array.from({ length: 5 }, (_, i) => ({ at: i * 60_000, bytes: i * 600_000_000 }));
    const png = await throughputChartPng(samples);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  }, 30_000);
});
