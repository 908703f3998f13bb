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

/** Binary units, as the report beside the chart and the cards give speeds ("382 MiB/s"). */
const MIB = 1024 * 1024;
/** A font every image with Debian's fonts-dejavu-core has (the Dockerfile installs it). */
const FONT = 'DejaVu Sans';

/**
 * The completion report's chart: throughput over the task's elapsed time, as a PNG for Slack's file
 * upload. Drawn with Vega-Lite (spec → SVG, no browser) and rasterised with resvg. The x axis is
 * elapsed time, not clock time, so it reads the same in every reader's time zone.
 */
export async function throughputChartPng(
  samples: readonly ThroughputSample[],
  options: { title: string; width?: number; height?: number } = { title: 'Throughput' },
): Promise<Buffer> {
  const [vega, vegaLite, { Resvg }] = await chartLibraries();
  const rates = ratesOf(samples);
  const hours = (rates.at(-1)?.elapsedSeconds ?? 0) >= 3 * 3600;
  const values = rates.map((r) => ({
    elapsed: hours ? r.elapsedSeconds / 3600 : r.elapsedSeconds / 60,
    mibps: r.bytesPerSecond / MIB,
  }));
  const spec: VegaLite.TopLevelSpec = {
    width: options.width ?? 560,
    height: options.height ?? 180,
    title: { text: options.title, anchor: 'start', fontSize: 14 },
    background: 'white',
    config: { font: FONT, axis: { labelFont: FONT, titleFont: FONT }, title: { font: FONT } },
    data: { values },
    mark: { type: 'area', line: true, opacity: 0.35, interpolate: 'monotone' },
    encoding: {
      x: {
        field: 'elapsed',
        type: 'quantitative',
        title: hours ? 'hours since start' : 'minutes since start',
      },
      y: { field: 'mibps', type: 'quantitative', title: 'MiB/s' },
    },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return new Resvg(svg, {
      fitTo: { mode: 'zoom', value: 2 },
      font: { loadSystemFonts: true, defaultFontFamily: FONT },
    })
      .render()
      .asPng();
  } finally {
    view.finalize();
  }
}
