import type * as VegaLite from 'vega-lite';
import { ratesOf, type ThroughputSample } from './throughput-samples.js';

/**
 * Vega, Vega-Lite and resvg add about 24 MB to a process that loads them, and most processes never
 * draw a chart (a report is drawn when a watched task ends): they are loaded on the first chart.
 */
let libraries: Promise<[typeof import('vega'), typeof import('vega-lite'), typeof import('@resvg/resvg-js')]>;
function chartLibraries() {
  libraries ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  return libraries;
}

/** Binary units, as the report beside the chart and the cards give speeds ("64 MiB/s"). */
const RATE_UNITS = [
  { symbol: 'GiB/s', bytes: 1024 ** 3 },
  { symbol: 'MiB/s', bytes: 1024 ** 2 },
  { symbol: 'KiB/s', bytes: 1024 },
] as const;
/** A font every image with Debian's fonts-dejavu-core has (the Dockerfile installs it). */
const FONT = 'DejaVu Sans';

/** The x axis's title for each unit of elapsed time, in the reader's language. */
export interface ChartAxisTitles {
  seconds: string;
  minutes: string;
  hours: string;
}

const ENGLISH_AXES: ChartAxisTitles = {
  seconds: 'seconds since start',
  minutes: 'minutes since start',
  hours: 'hours since start',
};

/** Elapsed time in the unit that gives whole, readable ticks: seconds up to 2 min, minutes up to 3 h. */
export function elapsedUnit(spanSeconds: number): { unit: keyof ChartAxisTitles; seconds: number } {
  if (spanSeconds < 120) return { unit: 'seconds', seconds: 1 };
  if (spanSeconds < 3 * 3600) return { unit: 'minutes', seconds: 60 };
  return { unit: 'hours', seconds: 3600 };
}

/** A point of the chart: elapsed time in its unit, rate in its unit; `null` breaks the line (a gap). */
export interface ChartPoint {
  elapsed: number;
  rate: number | null;
}

/**
 * What the chart draws: the rates between polls placed on the run's own time axis (the first
 * sample at `duration - sampled span`, so the axis is the run's duration), and an
 * interval nobody measured (`gap`) as a break in the line, not a flattened average.
 */
export function chartValues(samples: readonly ThroughputSample[], durationSeconds?: number) {
  const rates = ratesOf(samples);
  const sampled = rates.at(-1)?.elapsedSeconds ?? 0;
  const spanSeconds = Math.max(sampled, durationSeconds ?? 0);
  const offset = spanSeconds - sampled;
  const unit = elapsedUnit(spanSeconds);
  const peak = Math.max(0, ...rates.filter((r) => !r.gap).map((r) => r.bytesPerSecond));
  const rate = RATE_UNITS.find((u) => peak >= u.bytes) ?? RATE_UNITS[2];
  const at = (seconds: number) => (offset + seconds) / unit.seconds;
  const values: ChartPoint[] = [];
  // Each rate is drawn over its interval (step-before), so a line that starts (the first sample,
  // or the end of a gap) starts with a point at its interval's beginning.
  let from = 0;
  let open = false;
  for (const r of rates) {
    if (r.gap) values.push({ elapsed: at(r.elapsedSeconds), rate: null });
    else {
      const value = r.bytesPerSecond / rate.bytes;
      if (!open) values.push({ elapsed: at(from), rate: value });
      values.push({ elapsed: at(r.elapsedSeconds), rate: value });
    }
    open = !r.gap;
    from = r.elapsedSeconds;
  }
  return { values, unit, symbol: rate.symbol, spanSeconds };
}

/**
 * Drawn at 330 × 150 and rasterised at 3×: a phone shows the image about 310 px wide, so the
 * 16 px labels stay about 13 px there, and a desk shows it sharp. Few ticks, so labels do not
 * crowd. No title inside: Slack shows the file's title right above the image.
 */
const SIZE = { width: 330, height: 150, zoom: 3, label: 16, axisTitle: 15 } as const;

/**
 * The completion report's chart: throughput over the task's elapsed time, as a PNG for Slack's file
 * upload. Drawn with Vega-Lite (spec → SVG, no browser) and rasterised with resvg. The x axis is
 * elapsed time, not clock time, so it reads the same in every reader's time zone.
 */
export async function throughputChartPng(
  samples: readonly ThroughputSample[],
  options: { axes?: ChartAxisTitles; width?: number; height?: number; durationSeconds?: number } = {},
): Promise<Buffer> {
  const [vega, vegaLite, { Resvg }] = await chartLibraries();
  const { values, unit, symbol, spanSeconds } = chartValues(samples, options.durationSeconds);
  const axis = {
    labelFontSize: SIZE.label,
    titleFontSize: SIZE.axisTitle,
    titleFontWeight: 'normal' as const,
  };
  const spec: VegaLite.TopLevelSpec = {
    width: options.width ?? SIZE.width,
    height: options.height ?? SIZE.height,
    background: 'white',
    config: { font: FONT, axis: { labelFont: FONT, titleFont: FONT } },
    data: { values },
    mark: { type: 'area', line: true, opacity: 0.35, interpolate: 'step-before' },
    encoding: {
      x: {
        field: 'elapsed',
        type: 'quantitative',
        title: (options.axes ?? ENGLISH_AXES)[unit.unit],
        // The whole run, from its start to its end, whatever part of it the watcher saw.
        scale: { domain: [0, spanSeconds / unit.seconds], nice: true, zero: true },
        axis: { ...axis, tickCount: 4, tickMinStep: 1, format: 'd' },
      },
      y: {
        field: 'rate',
        type: 'quantitative',
        title: symbol,
        scale: { zero: true, nice: true },
        axis: { ...axis, tickCount: 3, format: '~r' },
      },
    },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return new Resvg(svg, {
      fitTo: { mode: 'zoom', value: SIZE.zoom },
      font: { loadSystemFonts: true, defaultFontFamily: FONT },
    })
      .render()
      .asPng();
  } finally {
    view.finalize();
  }
}
