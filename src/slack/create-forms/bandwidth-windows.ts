import { bandwidthProblem, toBandwidthPolicy } from '../../providers/huawei-oms/bandwidth.js';
import type { BandwidthWindow } from '../../providers/types.js';
import { lines } from './view-state.js';

const LINE =
  /^(\d{1,2}):(\d{2})\s*(?:-|–|—|to)\s*(\d{1,2}):(\d{2})\s*(?:=|@|at)\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b)(?:\/s|ps)?$/i;
const UNIT: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

export const BANDWIDTH_EXAMPLE = '00:00-06:00=200MB/s';

export type BandwidthParse = { ok: true; windows: BandwidthWindow[] } | { ok: false; error: string };

/**
 * Traffic-limiting windows typed one per line, `00:00-06:00=200MB/s` (MB/s as OMS counts them:
 * 1 MB/s = 1,048,576 bytes/s). Then OMS's own rules (at most 5, no overlap, 1–200 MB/s).
 */
export function parseBandwidthWindows(text: string | undefined): BandwidthParse {
  const windows: BandwidthWindow[] = [];
  for (const [i, line] of lines(text).entries()) {
    const m = LINE.exec(line);
    const unit = m ? UNIT[m[6]!.toLowerCase()] : undefined;
    if (!m || unit === undefined) {
      return {
        ok: false,
        error: `Line ${i + 1} ("${line.slice(0, 40)}") is not a window: write start-end=speed, e.g. ${BANDWIDTH_EXAMPLE}.`,
      };
    }
    const time = (h: string, min: string) => `${h.padStart(2, '0')}:${min}`;
    windows.push({
      start: time(m[1]!, m[2]!),
      end: time(m[3]!, m[4]!),
      maxBytesPerSecond: Math.round(Number(m[5]) * unit),
    });
  }
  const problem = bandwidthProblem(windows.map(toBandwidthPolicy));
  if (problem)
    return { ok: false, error: `${problem.message.charAt(0).toUpperCase()}${problem.message.slice(1)}.` };
  return { ok: true, windows };
}
