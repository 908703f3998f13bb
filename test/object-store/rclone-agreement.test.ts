import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStoreSimulator } from '../../dev/simulators/object-store/index.js';
import { compareListings, type Difference } from '../../src/capabilities/objects/compare.js';
import { S3ObjectStore } from '../../src/object-store/s3-object-store.js';

const run = promisify(execFile);
const AK = 'SIMRCLONEACCESSKEY01';
const SK = 'sim-rclone-secret-key-00000000000000001';
const RCLONE = '/usr/bin/rclone';

let sim: ObjectStoreSimulator;
let dir: string;

/**
 * Issue 62: `rclone check` of the same two buckets reports the same differences as the bot. The
 * seeded differences: 3 missing at the destination, 1 of another size, 1 of the same size with other
 * bytes (only the MD5 ETag tells), 2 only at the destination, among 2,600 objects over three pages,
 * with keys holding spaces, `+`, a mention, a formula, a control character and an emoji.
 */
beforeAll(async () => {
  sim = await new ObjectStoreSimulator({ keys: { [AK]: { secret: SK } }, region: 'us-east-1' }).start();
  const odd = ['a b+c.txt', '<@U0ALICE01> hi.txt', '=SUM(A1).csv', 'ctl\u0001.bin', 'z-😀.txt'];
  const keys = [...Array.from({ length: 2_595 }, (_, i) => `f${String(i).padStart(5, '0')}.dat`), ...odd];
  for (const [i, key] of keys.entries()) {
    sim.putObject('source', `data/${key}`, `body ${i}`);
    if ([7, 1_234, 2_599].includes(i)) continue;
    const body = i === 100 ? `body ${i} and more` : i === 2_000 ? `BODY ${i}` : `body ${i}`;
    sim.putObject('dest', `backup/data/${key}`, body);
  }
  sim.putObject('dest', 'backup/data/only-here.txt', 'x');
  sim.putObject('dest', 'backup/data/zz/also-here.txt', 'y');
  dir = await mkdtemp(path.join(tmpdir(), 'wtg-rclone-'));
  await writeFile(path.join(dir, 'rclone.conf'), '');
});
afterAll(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function rcloneEnv(): NodeJS.ProcessEnv {
  const r = 'RCLONE_CONFIG_SIM_';
  return {
    PATH: process.env.PATH,
    HOME: dir,
    [`${r}TYPE`]: 's3',
    [`${r}PROVIDER`]: 'Other',
    [`${r}ENDPOINT`]: sim.url,
    [`${r}ACCESS_KEY_ID`]: AK,
    [`${r}SECRET_ACCESS_KEY`]: SK,
    [`${r}REGION`]: 'us-east-1',
    [`${r}FORCE_PATH_STYLE`]: 'true',
    [`${r}LIST_VERSION`]: '2',
    [`${r}LIST_URL_ENCODE`]: 'true',
  };
}

async function rcloneCheck(): Promise<string[]> {
  const out = path.join(dir, 'combined.txt');
  // rclone exits 1 when it finds differences: that is the expected outcome here.
  await run(
    RCLONE,
    [
      '--config',
      path.join(dir, 'rclone.conf'),
      'check',
      'sim:source/data',
      'sim:dest/backup/data',
      '--combined',
      out,
    ],
    { env: rcloneEnv(), timeout: 60_000 },
  ).catch((error: { code?: number }) => {
    if (error.code !== 1) throw error;
  });
  const { readFile } = await import('node:fs/promises');
  return (await readFile(out, 'utf8'))
    .split('\n')
    .filter((line) => line && !line.startsWith('= '))
    .sort();
}

describe('rclone check and the bot agree on the same two buckets', () => {
  it('finds the same missing, different and extra objects', async () => {
    const store = new S3ObjectStore(
      {
        endpoint: sim.url,
        region: 'us-east-1',
        accessKey: AK,
        secretKey: SK,
        pathStyle: true,
      },
      { allowedEndpoints: [sim.url], now: Date.now },
    );
    const found: Difference[] = [];
    const result = await compareListings(
      { pages: store.list('source', 'data/'), prefix: 'data/' },
      { pages: store.list('dest', 'backup/data/'), prefix: 'backup/data/' },
      { cap: 1_000_000, onDifference: (d) => void found.push(d) },
    );
    // rclone: `+` only in the source (missing at the destination), `-` only in the destination.
    const mark = { missing: '+', different: '*', extra: '-' } as const;
    const bot = found
      .map((d) => `${mark[d.kind]} ${(d.sourceKey ?? d.destinationKey)!.replace(/^(backup\/)?data\//, '')}`)
      .sort();
    expect(result.tally).toMatchObject({ missing: 3, different: 2, extra: 2, source: 2_600 });
    const rclone = await rcloneCheck();
    expect(rclone).toHaveLength(7);
    expect(bot).toEqual(rclone);
  }, 90_000);
});
