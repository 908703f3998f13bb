import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { compareListings } from '../../src/capabilities/objects/compare.js';
import { S3ObjectStore } from '../../src/object-store/s3-object-store.js';

/**
 * The bucket check's bench row (`npm run bench -- --only=objects`; alone:
 * `node dist-bench/bench/object-check-cli.js [objects per side…]`). For each size: the bot's check
 * (the one S3 client and the one-pass compare) against `rclone check` of the same two buckets on
 * the S3 simulator (its own process), wall time of each and the bot's peak RSS and heap, sampled
 * every 50 ms. Judged at the largest size: within 1.5× of rclone's time, and memory flat (the peak
 * heap at the largest size within 1.5× of the smallest's, plus 16 MiB for the client's pools).
 */
const AK = 'BENCHACCESSKEY000001';
const SK = 'bench-secret-000000000000000000000001';

async function startStore(n: number) {
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, 'object-store-server.js'), String(n)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve) => {
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function botCheck(url: string) {
  const store = new S3ObjectStore(
    {
      endpoint: url,
      region: 'us-east-1',
      accessKey: AK,
      secretKey: SK,
      pathStyle: true,
    },
    { allowedEndpoints: [url], now: Date.now },
  );
  global.gc?.();
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 50);
  const started = performance.now();
  let differences = 0;
  const result = await compareListings(
    { pages: store.list('src', 'data/'), prefix: 'data/' },
    { pages: store.list('dst', 'data/'), prefix: 'data/' },
    { cap: Number.POSITIVE_INFINITY, onDifference: () => void differences++ },
  );
  const ms = performance.now() - started;
  clearInterval(timer);
  sample();
  return { ms, rss, heap, differences, tally: result.tally };
}

async function rcloneCheck(url: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-rclone-'));
  await writeFile(path.join(dir, 'rclone.conf'), '');
  const r = 'RCLONE_CONFIG_SIM_';
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    [`${r}TYPE`]: 's3',
    [`${r}PROVIDER`]: 'Other',
    [`${r}ENDPOINT`]: url,
    [`${r}ACCESS_KEY_ID`]: AK,
    [`${r}SECRET_ACCESS_KEY`]: SK,
    [`${r}REGION`]: 'us-east-1',
    [`${r}FORCE_PATH_STYLE`]: 'true',
    [`${r}LIST_VERSION`]: '2',
    [`${r}LIST_URL_ENCODE`]: 'true',
  };
  const started = performance.now();
  await promisify(execFile)(
    '/usr/bin/rclone',
    [
      '--config',
      path.join(dir, 'rclone.conf'),
      'check',
      'sim:src/data',
      'sim:dst/data',
      '--combined',
      path.join(dir, 'out.txt'),
    ],
    { env, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { code?: number }) => {
    if (error.code !== 1) throw error;
  });
  const ms = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  return { ms };
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

export interface ObjectCheckRow {
  objectsPerSide: number;
  botSeconds: number;
  rcloneSeconds: number;
  ratio: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  differences: number;
  tally: unknown;
}

export interface ObjectCheckResult {
  rows: ObjectCheckRow[];
  /** At the largest size: the bot's time ÷ rclone check's (target ≤ 1.5). */
  ratio: number;
  /** The peak heap stayed flat from the smallest size to the largest. */
  flat: boolean;
}

/** Measures each size in turn, the bot then rclone on the same freshly seeded store. */
export async function runObjectCheck(options: {
  sizes: readonly number[];
  log: (line: string) => void;
}): Promise<ObjectCheckResult> {
  const rows: ObjectCheckRow[] = [];
  for (const n of options.sizes) {
    const store = await startStore(n);
    try {
      const bot = await botCheck(store.url);
      const rclone = await rcloneCheck(store.url);
      const row = {
        objectsPerSide: n,
        botSeconds: Math.round(bot.ms / 100) / 10,
        rcloneSeconds: Math.round(rclone.ms / 100) / 10,
        ratio: Math.round((bot.ms / rclone.ms) * 100) / 100,
        peakRssMiB: Math.round(bot.rss / 1024 / 1024),
        peakHeapMiB: Math.round(bot.heap / 1024 / 1024),
        differences: bot.differences,
        tally: bot.tally,
      };
      rows.push(row);
      options.log(
        `objects: ${n} objects/side: bot ${row.botSeconds} s (peak RSS ${mib(bot.rss)}, heap ${mib(bot.heap)}, ` +
          `${bot.differences} differences); rclone check ${row.rcloneSeconds} s; ratio ${row.ratio}×`,
      );
    } finally {
      store.stop();
    }
  }
  const first = rows[0]!;
  const last = rows.at(-1)!;
  return { rows, ratio: last.ratio, flat: last.peakHeapMiB <= first.peakHeapMiB * 1.5 + 16 };
}

export function objectCheckSection(result: ObjectCheckResult | undefined): string[] {
  if (!result) return [];
  return [
    '## Bucket check against rclone check',
    '',
    'The bot lists both buckets through the AWS SDK and compares them in one pass; `rclone check` of the',
    'same buckets on the same simulator (its own process) right after. 3 missing, 1 different and 1 extra',
    'object seeded at every size.',
    '',
    '| objects per side | bot (s) | rclone check (s) | bot ÷ rclone | peak RSS (MiB) | peak heap (MiB) | differences |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...result.rows.map(
      (r) =>
        `| ${r.objectsPerSide.toLocaleString('en')} | ${r.botSeconds} | ${r.rcloneSeconds} | ${r.ratio}× | ${r.peakRssMiB} | ${r.peakHeapMiB} | ${r.differences} |`,
    ),
    '',
    `At the largest size: ${result.ratio}× rclone check's time (target ≤ 1.5×: ${result.ratio <= 1.5 ? 'met' : 'missed'}); ` +
      `memory ${result.flat ? 'flat' : 'NOT flat'} from the smallest size to the largest.`,
    '',
  ];
}
