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
  options: { axes?: ChartAxisTitles; width?: number; height?: number } = {},
): Promise<Buffer> {
  const [vega, vegaLite, { Resvg }] = await chartLibraries();
  const rates = ratesOf(samples);
  const time = elapsedUnit(rates.at(-1)?.elapsedSeconds ?? 0);
  const peak = Math.max(0, ...rates.map((r) => r.bytesPerSecond));
  const rate = RATE_UNITS.find((u) => peak >= u.bytes) ?? RATE_UNITS[2];
  // The chart starts at 0 (the first sample), so the first rate is drawn from the start of its interval.
  const values = [
    ...(rates.length > 0 ? [{ elapsed: 0, rate: rates[0]!.bytesPerSecond / rate.bytes }] : []),
    ...rates.map((r) => ({ elapsed: r.elapsedSeconds / time.seconds, rate: r.bytesPerSecond / rate.bytes })),
  ];
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
        title: (options.axes ?? ENGLISH_AXES)[time.unit],
        scale: { nice: true, zero: true },
        axis: { ...axis, tickCount: 4, tickMinStep: 1, format: 'd' },
      },
      y: {
        field: 'rate',
        type: 'quantitative',
        title: rate.symbol,
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
