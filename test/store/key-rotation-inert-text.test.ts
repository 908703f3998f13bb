import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runKeysCommand } from '../../src/cli/keys-command.js';
import { systemClock } from '../../src/clock.js';
import { ConnectionStore } from '../../src/connections/connection-store.js';
import { generateKey, SecretBox } from '../../src/crypto/secret-box.js';
import { SecretRegistry } from '../../src/secrets.js';
import { openAtomicKv } from '../../src/store/open-atomic-kv.js';
import { omsConnection } from '../harness/test-bot.js';
import { GiB, MiB, startRig, startWorld, watchTask } from '../harness/watcher-rig.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * Text from outside that looks like a sealed value (a provider's task named `v1.k1.…`, kept in its
 * watch record) is not a secret: `keys status` does not count it, and `keys rotate` can finish.
 * Counted, it held every rotation "unfinished" (exit 1, "run keys rotate") for as long as the task
 * was watched, whatever the operator did.
 */
const { logger } = captureLogger('silent');
const K1 = `k1:${generateKey()}`;
const K2 = `k2:${generateKey()}`;
const dir = mkdtempSync(path.join(tmpdir(), 'mb-keys-inert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function keys(storeUrl: string, action: string) {
  const lines: string[] = [];
  const code = await runKeysCommand(
    [action],
    { STORE_URL: storeUrl, MIGRATE_BOT_ENCRYPTION_KEYS: `${K2},${K1}` },
    (line) => lines.push(line),
    logger,
  );
  return { code, text: lines.join('\n') };
}

it('a watched task named like a sealed value is not counted as one; the rotation finishes', async () => {
  const world = await startWorld();
  const storeUrl = `sqlite://${path.join(dir, 'store.sqlite')}`;
  const rig = await startRig(world, { storeUrl });
  try {
    // One real sealed value: a connection added from Slack, under k1.
    const state = await openAtomicKv(storeUrl, rig.store, 'state:', logger);
    const connections = new ConnectionStore(state, SecretBox.fromKeyRing(K1), new SecretRegistry(), {
      allowedEndpoints: [world.oms.url],
      clock: systemClock,
    });
    await connections.add('T0FAKE001', omsConnection('hw-sealed', world.oms.url), 'U0ADMIN01');
    // And a task whose name has the shape of one, watched: its name is in the watch record.
    const lookalike = `v1.k1.${'A'.repeat(16)}.QUFBQQ.${'B'.repeat(22)}`;
    const task = world.oms.addTask({ name: lookalike, status: 1, totalSize: 10 * GiB, speed: 100 * MiB });
    await watchTask(rig, task.id);
    world.clock.advance(2_000);
    await rig.watcher.runCycle();

    const before = await keys(storeUrl, 'status');
    expect(before.text).toContain('1 sealed secret in 1 record');
    expect(before.text).not.toContain('does not know how to re-encrypt');

    const rotated = await keys(storeUrl, 'rotate');
    expect(rotated.code, rotated.text).toBe(0);
    expect(rotated.text).toContain('Re-encrypted 1 sealed secret in 1 record under k2.');
    expect(rotated.text).toContain(
      'k1 can be removed from MIGRATE_BOT_ENCRYPTION_KEYS (keep it with the backups',
    );
    expect((await keys(storeUrl, 'status')).code).toBe(0);
    // The name is kept as it was: the rotation rewrote only the sealed value.
    const [watched] = await rig.watcher.store.loadAll();
    expect(watched?.record.snapshot.name).toBe(lookalike);
  } finally {
    await rig.stop();
    await world.stop();
  }
});
