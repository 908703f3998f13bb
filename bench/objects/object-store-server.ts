import { ObjectStoreSimulator } from '../../dev/simulators/object-store/index.js';

/**
 * The bucket-check bench's store, in a process of its own so the bot's memory is measured alone:
 * `n` objects at the source, the same at the destination less 3 missing, 1 different and plus 1
 * extra (the seeded differences). Prints its URL once seeded.
 */
const n = Number(process.argv[2] ?? 1_000_000);
const sim = new ObjectStoreSimulator({
  keys: { BENCHACCESSKEY000001: { secret: 'bench-secret-000000000000000000000001' } },
});
const etag = '"0cc175b9c0f1b6a831c399e269772661"';
for (let i = 0; i < n; i++) {
  const key = `data/${String(i).padStart(8, '0')}.bin`;
  sim.putSynthetic('src', key, 1_024, etag);
  if (i === 10 || i === n >> 1 || i === n - 5) continue;
  sim.putSynthetic('dst', key, i === 77 ? 2_048 : 1_024, etag);
}
sim.putSynthetic('dst', 'data/zz-extra.bin', 1, etag);
await sim.start();
process.stdout.write(`${sim.url}\n`);
