import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { compareListings } from '../src/capabilities/objects/compare.js';
import { S3ObjectStore } from '../src/object-store/s3-object-store.js';

/**
 * Issue 62's bench row, run alone: `node dist-bench/bench/object-check.js [objects per side…]`.
 * For each size: the bot's check (the one S3 client and the one-pass compare) against
 * `rclone check` of the same two buckets on the S3 simulator (its own process), wall time of each
 * and the bot's peak RSS and heap, sampled every 50 ms. Not part of `npm run bench` yet.
 */
const AK = 'BENCHACCESSKEY000001';
const SK = 'bench-secret-000000000000000000000001';
const sizes = process.argv.slice(2).map(Number).filter(Number.isFinite);

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
  const store = new S3ObjectStore({
    endpoint: url,
    region: 'us-east-1',
    accessKey: AK,
    secretKey: SK,
    pathStyle: true,
  });
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
for (const n of sizes.length > 0 ? sizes : [100_000, 1_000_000]) {
  const store = await startStore(n);
  try {
    const bot = await botCheck(store.url);
    const rclone = await rcloneCheck(store.url);
    console.log(
      `${n} objects/side: bot ${(bot.ms / 1000).toFixed(1)} s (peak RSS ${mib(bot.rss)}, heap ${mib(bot.heap)}, ` +
        `${bot.differences} differences: ${JSON.stringify(bot.tally)}); rclone check ${(rclone.ms / 1000).toFixed(1)} s; ` +
        `ratio ${(bot.ms / rclone.ms).toFixed(2)}×`,
    );
  } finally {
    store.stop();
  }
}
