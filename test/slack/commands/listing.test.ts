import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { HW_AK, HW_SK, messageText, omsConnection, PROJECT_ID, TestBot } from '../../harness/test-bot.js';

/** Provider calls the bot made, by operation name, from its debug log ("provider call"). */
function callsOf(t: TestBot, operation: string): number {
  return t.logs.lines.filter((l) => l.includes('"provider call"') && l.includes(`"operation":"${operation}"`))
    .length;
}

/** Four 500s: all of one listing's attempts (the first try and three retries). */
const syncListingFails = () =>
  Array.from({ length: 4 }, () => ({ method: 'GET', path: '/sync-tasks', status: 500 }));

describe('a Huawei connection in a region without the synchronization-task API', () => {
  // Seed 002 §5.3: sync tasks exist only in CN North-Beijing4 and CN East-Shanghai1.
  const regionless = new OmsSimulator({
    projectId: PROJECT_ID,
    keys: { [HW_AK]: HW_SK },
    region: 'ap-southeast-1',
    withoutSyncTasks: true,
  });
  const t = new TestBot();

  beforeAll(async () => {
    await regionless.start();
    await t.start({ connections: () => [omsConnection('hw-x', regionless.url)] });
  });
  afterAll(async () => {
    await t.stop();
    await regionless.stop();
  });

  it('finds tasks by prefix, lists tasks and groups, and asks for sync tasks once', async () => {
    const task = regionless.addTask({ id: '204400000000001', name: 'no-sync-region', status: 2 });
    const group = regionless.addTaskGroup({ status: 2, src: { bucket: 'grouped-src' } });

    const card = messageText(await t.ask('status 2044'));
    expect(card).toContain(`hw-x:${task.id}`);
    expect(card).not.toContain('No resource');
    expect(callsOf(t, 'ListSyncTasks')).toBe(1);

    const list = messageText(await t.ask('list'));
    expect(list).toContain('no-sync-region');
    expect(list).toContain(`hw-x:${group.id}`);
    expect(list).not.toContain('could not be');
    expect(list).not.toContain('Nothing matches');

    // A task created since the index was read: the miss re-reads tasks and groups, not sync tasks.
    const later = regionless.addTask({ id: '205500000000002', name: 'created-later', status: 2 });
    expect(messageText(await t.ask('status 2055'))).toContain(`hw-x:${later.id}`);
    // Not listed anywhere: each kind is asked directly, except the one the region does not have.
    expect(messageText(await t.ask('status 987654321'))).toContain('No resource');
    expect(callsOf(t, 'ShowSyncTask')).toBe(0);

    const sync = messageText(await t.ask('sync'));
    expect(sync).toContain('`hw-x` does not offer sync tasks');
    expect(sync).not.toContain('Nothing matches');
    expect(callsOf(t, 'ListSyncTasks')).toBe(1);

    const connections = messageText(await t.ask('connections'));
    expect(connections).toContain('Not offered here: sync tasks');
    expect(callsOf(t, 'ListSyncTasks')).toBe(1);
  });
});

describe('a sync-task listing that fails for a moment', () => {
  const t = new TestBot();
  beforeAll(async () => {
    await t.start({ connections: (url) => [omsConnection('hw-x', url)] });
  });
  afterAll(async () => {
    await t.stop();
  });
  beforeEach(() => {
    t.oms.faults.reset();
  });

  it('still finds tasks by prefix, and the list names what it could not read', async () => {
    const task = t.oms.addTask({ id: '206600000000003', name: 'steady-task', status: 2 });
    t.oms.addSyncTask({ status: 'SYNCHRONIZING', src_bucket: 'sync-src' });

    t.oms.faults.script(...syncListingFails());
    expect(messageText(await t.ask('status 2066'))).toContain(`hw-x:${task.id}`);

    t.oms.faults.script(...syncListingFails());
    const list = await t.ask('list');
    const text = messageText(list);
    expect(text).toContain('steady-task');
    expect(text).toContain('sync tasks of `hw-x` could not be listed');
    expect(text).toContain('`hw-x` is not answering (HTTP 500)');
    expect(text).not.toContain('Nothing matches');
    expect(String(list.text)).toContain('not everything could be listed from hw-x');

    // A transient failure is not "not offered": the next list asks again and shows the sync task.
    expect(messageText(await t.ask('list'))).toContain('sync-src');
  });
});

describe('a provider answering with an HTML error page', () => {
  const MARKER = 'nginx/1.2 internal-host-7';
  const page = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>${MARKER}</center></body></html>`;
  let gateway: Server;
  let gatewayUrl = '';
  const t = new TestBot();

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      req.resume();
      res.writeHead(502, { 'content-type': 'text/html', server: MARKER }).end(page);
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    await t.start({
      connections: (url) => [omsConnection('hw-prod', url), omsConnection('hw-down', gatewayUrl)],
    });
  });
  afterAll(async () => {
    await t.stop();
    gateway.closeAllConnections();
    await new Promise<void>((resolve) => gateway.close(() => resolve()));
  });

  it('says which connection is not answering, never shows the page, never says "empty"', async () => {
    t.oms.addTask({ name: 'healthy-task', status: 2 });

    const all = messageText(await t.ask('list'));
    expect(all).toContain('healthy-task');
    expect(all).toContain('`hw-down` is not answering (HTTP 502)');
    expect(all).toContain('Nothing from `hw-down` is shown.');

    const down = await t.ask('list hw-down');
    const downText = messageText(down);
    expect(downText).toContain('`hw-down` is not answering (HTTP 502)');
    expect(downText).not.toContain('Nothing matches');
    expect(downText).not.toContain('in all');
    expect(String(down.text)).not.toMatch(/^0 resource/);
    expect(String(down.text)).toContain('hw-down could not be read');

    await t.ask('status hw-down:20770000');
    await t.ask('connections');
    await t.ask('sync hw-down');

    // No part of the page anywhere Slack was sent something: API calls and response_url posts.
    const sent = JSON.stringify([...t.fakeSlack.calls, ...t.fakeSlack.responses]);
    expect(t.fakeSlack.responses.length).toBeGreaterThanOrEqual(5);
    for (const fragment of [MARKER, 'internal-host-7', 'Bad Gateway</', '&lt;center', '<center'])
      expect(sent).not.toContain(fragment);
  });
});
