import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardOf } from '../../../src/watcher/outbox/living-posts.js';
import {
  type HealthRecord,
  healthKey,
  type OutboxEntry,
  type WatchRecord,
  watchKey,
} from '../../../src/watcher/records/watch-store.js';
import { HW_SK } from '../../harness/test-bot.js';
import {
  CHANNEL,
  cleanRedis,
  notifications,
  REDIS_URL,
  type Rig,
  startRig,
  TEAM,
  watchTask,
} from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

/**
 * Before notifications were stored as data, the outbox held them rendered (`text` and Block Kit
 * `blocks`). Entries an older version left waiting in Redis or SQLite are still delivered after the
 * upgrade, as they were rendered, once each, through the sender (so scrubbed), in their thread.
 */

const { world, rigs, prefix } = worldPerTest({ clean: cleanRedis });

async function rig(storeUrl: string): Promise<Rig> {
  const started = await startRig(world, { storeUrl, watcher: { keyPrefix: prefix() } });
  rigs.push(started);
  return started;
}

const sqliteUrl = () => `sqlite://${path.join(mkdtempSync(path.join(tmpdir(), 'mb-old-')), 'bot.sqlite')}`;

/** An entry exactly as the previous version wrote it: rendered text and blocks, no `note`. */
function oldEntry(
  entry: Pick<OutboxEntry, 'key' | 'type' | 'event' | 'channel' | 'broadcast'>,
  text: string,
) {
  return {
    ...entry,
    teamId: TEAM,
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '`hw-prod:old` · 2025-01-01 00:00 UTC' }] },
    ],
    createdAt: Date.now(),
    attempts: 0,
  };
}

describe.each([
  ['Redis', () => REDIS_URL],
  ['SQLite', sqliteUrl],
])('outbox entries stored by the previous version (%s)', (_name, url) => {
  it('are delivered after the upgrade, as rendered, once each, scrubbed', async () => {
    const storeUrl = url();
    const task = world.oms.addTask({ name: 'left-behind', status: 2 });
    const before = await rig(storeUrl);
    const watched = await watchTask(before, task.id);
    expect(watched.posted).toBe(true);
    const base = `${TEAM}:${CHANNEL}:hw-prod:task:${task.id}`;
    // What the old version had waiting when it was stopped: a thread reply and a creator's DM in the
    // watch, and a connection notice in the connection's health record.
    const reply = oldEntry(
      { key: `${base}:r1.1:failed`, type: 'reply', event: 'failed', channel: CHANNEL, broadcast: true },
      `:x: *left-behind* failed with \`TRF.0004\` (the provider said ${HW_SK}).`,
    );
    const dm = oldEntry(
      { key: `${base}:broken1:dm`, type: 'dm', event: 'broken', channel: 'U0ALICE01' },
      ":warning: I can't post about *left-behind* any more.",
    );
    const notice = oldEntry(
      {
        key: `${TEAM}:${CHANNEL}:hw-prod:outage1:up`,
        type: 'notice',
        event: 'connection-up',
        channel: CHANNEL,
      },
      ':white_check_mark: `hw-prod` answers again after 2 min; watching resumed.',
    );
    const key = watchKey({
      teamId: TEAM,
      channelId: CHANNEL,
      connection: 'hw-prod',
      kind: 'task',
      id: task.id,
    });
    await before.watcher.store.update<WatchRecord>(key, (r) =>
      r ? ({ ...r, outbox: [reply, dm] } as unknown as WatchRecord) : r,
    );
    await before.watcher.store.update<HealthRecord>(healthKey('*/hw-prod'), () => ({
      outbox: [notice] as unknown as OutboxEntry[],
      sent: [],
      failures: 0,
      down: false,
      outage: 1,
      skip: 0,
    }));
    await before.stop();
    rigs.splice(rigs.indexOf(before), 1);
    world.fakeSlack.clear();

    const after = await rig(storeUrl);
    for (let i = 0; i < 3; i++) await after.watcher.runCycle();

    const posted = notifications(world.fakeSlack);
    expect(posted.map((n) => n.key).sort()).toEqual([dm.key, reply.key, notice.key].sort());
    const byKey = new Map(posted.map((n) => [n.key, n.body]));
    const stored = await after.watcher.store.read<WatchRecord>(key);
    const parentTs = stored && cardOf(stored)?.ts;
    expect(byKey.get(reply.key)).toMatchObject({ channel: CHANNEL, thread_ts: parentTs });
    expect(String(byKey.get(reply.key)?.reply_broadcast)).toBe('true');
    expect(byKey.get(dm.key)).toMatchObject({ channel: 'U0ALICE01', text: dm.text, blocks: dm.blocks });
    expect(byKey.get(notice.key)).toMatchObject({
      channel: CHANNEL,
      text: notice.text,
      blocks: notice.blocks,
    });
    // As rendered then, but through the sender: the secret a provider echoed is masked.
    const replyBody = JSON.stringify(byKey.get(reply.key));
    expect(replyBody).toContain(':x: *left-behind* failed with `TRF.0004`');
    expect(replyBody).toContain('••••••');
    expect(replyBody).not.toContain(HW_SK);
    expect((await after.watcher.store.read<WatchRecord>(key))?.outbox).toEqual([]);
    expect((await after.watcher.store.read<HealthRecord>(healthKey('*/hw-prod')))?.outbox).toEqual([]);
  });
});
