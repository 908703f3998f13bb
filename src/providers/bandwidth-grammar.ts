import type { BandwidthWindow } from './types.js';

/**
 * The one bandwidth grammar, shared by the create forms (one window per line) and
 * `/migrate bandwidth` (one window per word): `HH:MM-HH:MM=<rate>`, where the separators may also
 * be `–`, `—` or `to` and `@` or `at`, spaces around them are allowed, and the rate is a number
 * with B, KB, KiB, MB, MiB, GB or GiB, optionally followed by `/s` or `ps`. MB means MiB, as the
 * OMS console counts (1 MB/s = 1,048,576 bytes/s).
 */
const WINDOW =
  /^(\d{1,2}):(\d{2})\s*(?:-|–|—|to)\s*(\d{1,2}):(\d{2})\s*(?:=|@|at)\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)(?:\/s|ps)?$/i;
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

/** One window, or undefined when `text` is not one. Hours are padded (`0:00` → `00:00`). */
export function parseBandwidthWindow(text: string): BandwidthWindow | undefined {
  const m = WINDOW.exec(text.trim());
  const unit = m ? UNIT[m[6]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const time = (h: string, min: string) => `${h.padStart(2, '0')}:${min}`;
  return {
    start: time(m[1]!, m[2]!),
    end: time(m[3]!, m[4]!),
    maxBytesPerSecond: Math.round(Number(m[5]) * unit),
  };
}

/** Lines of a multi-line input, trimmed, without blanks. */
export function lines(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export type BandwidthLinesParse =
  | { ok: true; windows: BandwidthWindow[] }
  | { ok: false; error: string; words?: { key: string; values: Record<string, string | number> } };

/** Windows typed one per line; the first line that is not a window is named. */
export function parseBandwidthLines(text: string | undefined): BandwidthLinesParse {
  const windows: BandwidthWindow[] = [];
  for (const [i, line] of lines(text).entries()) {
    const window = parseBandwidthWindow(line);
    if (!window) {
      const typed = line.slice(0, 40);
      return {
        ok: false,
        error: `Line ${i + 1} ("${typed}") is not a window: write start-end=speed, e.g. ${BANDWIDTH_EXAMPLE}.`,
        words: { key: 'create.bandwidth.line', values: { line: i + 1, typed, example: BANDWIDTH_EXAMPLE } },
      };
    }
    windows.push(window);
  }
  return { ok: true, windows };
}
