import { describe, expect, it } from 'vitest';
import type { MigrationResource } from '../../src/domain/migration-resource.js';
import { completionReport } from '../../src/reports/completion-report.js';
import { chartValues, elapsedUnit, throughputChartPng } from '../../src/reports/throughput-chart.js';
import {
  addSample,
  MAX_SAMPLES,
  ratesOf,
  type ThroughputSample,
} from '../../src/reports/throughput-samples.js';

const MB = 1_000_000;

function finished(overrides: Partial<MigrationResource> = {}): MigrationResource {
  return {
    provider: 'huawei-oms',
    connection: 'hw-prod',
    kind: 'task',
    id: '191297407830872',
    name: 'photos-aws-to-obs',
    state: 'succeeded',
    rawStatus: '5',
    bytes: { done: 600 * MB, total: 600 * MB },
    objects: { done: 1200, skipped: 3, failed: 0, total: 1203 },
    source: {},
    destination: {},
    ...overrides,
  };
}

/** One sample a minute: 10 MB/s for 5 minutes, then 30 MB/s for 5 minutes. */
function twoSpeeds(): ThroughputSample[] {
  let series: ThroughputSample[] = [];
  let bytes = 0;
  for (let minute = 0; minute <= 10; minute++) {
    series = addSample(series, { at: minute * 60_000, bytes });
    bytes += (minute < 5 ? 10 : 30) * MB * 60;
  }
  return series;
}

describe('throughput samples', () => {
  it('turn into rates between polls', () => {
    const rates = ratesOf(twoSpeeds());
    expect(rates).toHaveLength(10);
    expect(rates[0]).toEqual({ elapsedSeconds: 60, bytesPerSecond: 10 * MB });
    expect(rates.at(-1)).toEqual({ elapsedSeconds: 600, bytesPerSecond: 30 * MB });
  });

  it('stay bounded for a task watched for days, keeping the first and the newest', () => {
    let series: ThroughputSample[] = [];
    for (let i = 0; i < 10_000; i++) series = addSample(series, { at: i * 30_000, bytes: i * MB });
    expect(series.length).toBeLessThanOrEqual(MAX_SAMPLES);
    expect(series[0]).toEqual({ at: 0, bytes: 0 });
    expect(series.at(-1)).toEqual({ at: 9_999 * 30_000, bytes: 9_999 * MB });
  });

  it('ignore a sample from the past or a repeated poll (a replay after a restart)', () => {
    const series = addSample([{ at: 1000, bytes: 5 }], { at: 1000, bytes: 9 });
    expect(addSample(series, { at: 500, bytes: 1 })).toEqual([{ at: 1000, bytes: 5 }]);
  });
});

describe('the completion report', () => {
  it('has duration, average and peak throughput, bytes and objects', () => {
    const report = completionReport(finished({ elapsedSeconds: 600 }), twoSpeeds());
    expect(report.durationSeconds).toBe(600);
    expect(report.averageBytesPerSecond).toBe(1 * MB);
    expect(report.peakBytesPerSecond).toBe(30 * MB);
    expect(report.averageOver).toBe('run');
    expect(report).toMatchObject({
      bytesMoved: 600 * MB,
      objectsMoved: 1200,
      objectsSkipped: 3,
      objectsFailed: 0,
    });
    expect(report.chartable).toBe(true);
  });

  it('falls back to the samples when the provider reports no elapsed time, and says where failed objects are', () => {
    const report = completionReport(
      finished({
        state: 'failed',
        objects: { done: 10, failed: 2 },
        failedObjectList: 'obs://logs/failed.txt',
      }),
      twoSpeeds(),
    );
    expect(report.durationSeconds).toBe(600);
    expect(report.failedObjectList).toBe('obs://logs/failed.txt');
  });

  it('has no chart and no peak for a task seen once', () => {
    const report = completionReport(finished(), [{ at: 0, bytes: 0 }]);
    expect(report.chartable).toBe(false);
    expect(report.peakBytesPerSecond).toBeUndefined();
  });
});

describe('the throughput chart', () => {
  it('is a PNG drawn from the samples', async () => {
    const png = await throughputChartPng(twoSpeeds());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height at bytes 16..24: about 390 × 200 drawn at 3×, so a phone shows it
    // near its drawn size (16 px labels stay about 13 px) and a desk shows it sharp.
    const [width, height] = [png.readUInt32BE(16) / 3, png.readUInt32BE(20) / 3];
    expect(width).toBeGreaterThan(330);
    expect(width).toBeLessThan(420);
    expect(height).toBeGreaterThan(150);
    expect(height).toBeLessThan(230);
  });

  it('counts elapsed time in seconds, minutes or hours, as fits the run', () => {
    expect(elapsedUnit(13).unit).toBe('seconds');
    expect(elapsedUnit(119).unit).toBe('seconds');
    expect(elapsedUnit(600).unit).toBe('minutes');
    expect(elapsedUnit(4 * 3600).unit).toBe('hours');
  });
});

describe('a report whose samples cover only part of the run', () => {
  // Issue 48 item 2: "48 GiB in 11 min 17 s, average 49.8 MiB/s" beside a 64.3 MiB/s peak implied
  // 72.6 MiB/s. The figures shown beside each other now agree: average = bytes ÷ duration, and the
  // peak (what the polls measured) is never below it.
  it('keeps the average equal to bytes over duration, and the peak not below it', () => {
    const GiB = 1024 ** 3;
    const MiB = 1024 ** 2;
    const samples: ThroughputSample[] = [];
    // The watcher saw the last 8 minutes at 64.3 MiB/s.
    for (let minute = 0; minute <= 8; minute++)
      samples.push({ at: minute * 60_000, bytes: 18 * GiB + minute * 64.3 * MiB * 60 });
    const contradicted = completionReport(
      finished({ bytes: { done: 48 * GiB, total: 48 * GiB }, elapsedSeconds: 677 }),
      samples,
    );
    // 48 GiB in 677 s would be 72.6 MiB/s, above every rate measured: the report says what was
    // watched instead, its time and bytes with it, so the three agree.
    expect(contradicted.averageOver).toBe('watched');
    expect(contradicted.durationSeconds).toBe(480);
    expect(contradicted.averageBytesPerSecond! / MiB).toBeCloseTo(64.3, 6);
    expect(contradicted.averageBytesPerSecond! * contradicted.durationSeconds!).toBeCloseTo(
      contradicted.watchedBytes!,
      0,
    );
    expect(contradicted.peakBytesPerSecond).toBeGreaterThanOrEqual(contradicted.averageBytesPerSecond!);

    const consistent = completionReport(
      finished({ bytes: { done: 30 * GiB, total: 30 * GiB }, elapsedSeconds: 480 }),
      samples,
    );
    expect(consistent.averageOver).toBe('run');
    expect(consistent.averageBytesPerSecond).toBeCloseTo(
      consistent.bytesMoved! / consistent.durationSeconds!,
      6,
    );
    expect(consistent.peakBytesPerSecond).toBeGreaterThanOrEqual(consistent.averageBytesPerSecond!);
  });
});

describe('the chart of a run watched in part, with an outage', () => {
  it('spans the run’s duration and breaks the line where nobody measured', () => {
    const MiB = 1024 ** 2;
    // Polls every 30 s for 5 min, nothing for 20 min (the watcher was down) while bytes moved,
    // then polls again for 5 min.
    const samples: ThroughputSample[] = [];
    let at = 0;
    let bytes = 0;
    const poll = (ms: number) => {
      at += ms;
      bytes += (ms / 1000) * 10 * MiB;
      samples.push({ at, bytes });
    };
    for (let i = 0; i < 10; i++) poll(30_000);
    poll(20 * 60_000);
    for (let i = 0; i < 10; i++) poll(30_000);
    const rates = ratesOf(samples);
    expect(rates.filter((r) => r.gap)).toHaveLength(1);
    // The run lasted an hour; the watcher saw its last 29.5 minutes.
    const { values, spanSeconds, unit } = chartValues(samples, 3600);
    expect(spanSeconds).toBe(3600);
    expect(unit.unit).toBe('minutes');
    expect(values[0]!.elapsed).toBeCloseTo((3600 - rates.at(-1)!.elapsedSeconds) / 60, 6);
    expect(values.at(-1)!.elapsed).toBeCloseTo(60, 6);
    // One break, where the outage was: no point there carries a rate.
    expect(values.filter((v) => v.rate === null)).toHaveLength(1);
    expect(values.filter((v) => v.rate !== null).every((v) => Math.abs(v.rate! - 10) < 1e-9)).toBe(true);
  });

  it('does not call a long stretch with nothing moved a gap: it is a stall, at 0', () => {
    const samples: ThroughputSample[] = [
      { at: 0, bytes: 0 },
      { at: 30_000, bytes: 100 },
      { at: 60_000, bytes: 200 },
      { at: 90_000, bytes: 300 },
      { at: 90_000 + 10 * 60_000, bytes: 300 },
    ];
    const rates = ratesOf(samples);
    expect(rates.some((r) => r.gap)).toBe(false);
    expect(rates.at(-1)!.bytesPerSecond).toBe(0);
  });
});
