import { beforeEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../../dev/simulators/kit.js';
import { READINGS, UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import type { Connection } from '../../../src/connections/connection.js';
import { InvalidInputError } from '../../../src/errors.js';
import { MAX_PAGES, UpCloudJobsClient } from '../../../src/providers/upcloud/client.js';
import { UpCloudProvider } from '../../../src/providers/upcloud/index.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { useSimulator } from '../simulator-rig.js';

/*
 * Issue #37 items 4, 5 and 16. Seed 001, "List jobs": `GET /1.3/object-storage-2/{service_uuid}/jobs`,
 * with no parameters. The client sends `limit`/`offset` (other object-storage-2 lists take them) but
 * must not rely on them: an API that answers the whole list must never make page 2 repeat page 1,
 * and a read that stops early must not claim a total. The simulator offers both readings
 * (READINGS.paging) and every test here runs under each.
 */

const SERVICE = '0ab2f83f-03f3-4c48-9a38-0a3e89c6d024';
const TOKEN = 'ucat_01PAGINGTESTTOKEN000000000000001';
const clock = new SimClock();
clock.freeze();
// Jobs stay pending: the clock only orders them (a millisecond apart), it never starts one.
const sim = new UpCloudSimulator({
  clock,
  serviceIds: [SERVICE],
  tokens: [TOKEN],
  timings: { startDelayMs: 86_400_000 },
});
const pools = useSimulator(sim, {
  reset: () => {
    sim.jobs.clear();
    sim.setShapes({ otherReadings: false });
  },
});
const { logger } = captureLogger('fatal');

const connection: Connection = {
  name: 'uc',
  provider: 'upcloud',
  endpoint: '',
  region: 'europe-1',
  serviceId: SERVICE,
  auth: { type: 'bearer', token: TOKEN },
  storage: {},
};
const client = () => new UpCloudJobsClient({ ...connection, endpoint: sim.url }, { pools, logger });
const provider = () => new UpCloudProvider({ ...connection, endpoint: sim.url }, { pools, logger });

/** `count` jobs, each a millisecond newer than the one before; the list answers newest first. */
function addJobs(count: number, status: 'pending' | 'running' = 'pending'): string[] {
  const uuids: string[] = [];
  for (let i = 0; i < count; i++) {
    uuids.push(sim.addJob({ name: `job-${String(i).padStart(5, '0')}`, status }).uuid);
    clock.advance(1);
  }
  return uuids.reverse();
}

describe('the UpCloud simulator offers both readings of seed 001 "List jobs" on its own', () => {
  it('names what it infers, and answers limit/offset or the whole list by shapes mode', async () => {
    expect(READINGS.paging.source).toContain('seed 001');
    addJobs(5);
    const get = (query: string) =>
      fetch(`${sim.url}/1.3/object-storage-2/${SERVICE}/jobs${query}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
    expect(((await (await get('?limit=2&offset=1')).json()) as unknown[]).length).toBe(2);
    expect((await get('?limit=x')).status).toBe(400);
    const toggled = await fetch(`${sim.url}/__sim/shapes`, {
      method: 'POST',
      body: JSON.stringify({ otherReadings: true }),
    });
    expect(toggled.status).toBe(200);
    expect(((await (await get('?limit=2&offset=1')).json()) as unknown[]).length).toBe(5);
    expect((await get('?limit=x')).status).toBe(200);
    // READINGS.pageSize alone: pages of 10 whatever `limit` says, from the `offset` asked for.
    sim.setShapes({ otherReadings: ['pageSize'] });
    expect(READINGS.pageSize.source).toContain('seed 001');
    addJobs(20);
    expect(((await (await get('?limit=25&offset=0')).json()) as unknown[]).length).toBe(10);
    expect(((await (await get('?limit=25&offset=20')).json()) as unknown[]).length).toBe(5);
    expect(((await (await get('?limit=2&offset=24')).json()) as unknown[]).length).toBe(1);
  });
});

// Requests for the third page of 100 (read from the start), then the fourth (from its offset).
/** Requests for page 3, then page 4, then a watcher's later idle cycle over 100 jobs (two pages). */
const COSTS = { usual: [3, 1, 2], other: [2, 2, 3], 'own page size': [30, 10, 11] };

describe.each<{ reading: keyof typeof COSTS; otherReadings: boolean | string[] }>([
  { reading: 'usual', otherReadings: false },
  { reading: 'other', otherReadings: true },
  // READINGS.pageSize: `offset` honoured, pages of the API's own size (10) whatever `limit` says.
  { reading: 'own page size', otherReadings: ['pageSize'] },
])('under the $reading reading of seed 001 "List jobs"', ({ reading, otherReadings }) => {
  const wholeList = otherReadings === true;
  beforeEach(() => {
    sim.setShapes({ otherReadings });
  });

  it('never shows a job twice across pages, and ends with the right total (item 4)', async () => {
    const uuids = addJobs(25);
    const p = provider();
    const pages = [];
    for (let offset = 0; offset < 30; offset += 10) {
      pages.push(await p.list({ kind: 'job', limit: 10, offset }));
    }
    expect(pages.map((page) => page.resources.length)).toEqual([10, 10, 5]);
    expect(pages.flatMap((page) => page.resources.map((r) => r.id))).toEqual(uuids);
    expect(pages[2]!.total).toBe(25);
  });

  it('pages locally, in the list order, whatever window is asked for', async () => {
    const uuids = addJobs(12);
    const c = client();
    const ids = async (offset: number, limit: number) =>
      (await c.readJobs({ offset, limit })).entries.map((e) => e.job?.uuid);
    expect(await ids(3, 4)).toEqual(uuids.slice(3, 7));
    expect(await ids(10, 5)).toEqual(uuids.slice(10));
    expect(await ids(12, 5)).toEqual([]);
    expect((await c.listJobs(2)).map((j) => j.uuid)).toEqual(uuids.slice(0, 2));
    await expect(c.readJobs({ offset: -1, limit: 2 })).rejects.toThrow(InvalidInputError);
    await expect(c.readJobs({ offset: 0, limit: 0 })).rejects.toThrow(InvalidInputError);
  });

  it('gives a filtered total only when the read reached the end of the list (item 5)', async () => {
    // One more than the read may hold (MAX_PAGES × 100): answered page by page the read stops
    // before the end, and the count so far would be a wrong total. Answered whole, it is exact.
    const count = MAX_PAGES * 100 + 100;
    addJobs(count);
    const page = await provider().list({ kind: 'job', states: ['queued'], limit: 10, offset: 0 });
    expect(page.resources).toHaveLength(10);
    expect(page.total).toBe(wholeList ? count : undefined);
    const small = await provider().list({ kind: 'job', states: ['running'], limit: 10, offset: 0 });
    expect(small.total).toBe(wholeList ? 0 : undefined);
  });

  it('costs one request a page once the API has shown how it pages', async () => {
    addJobs(450);
    const p = provider();
    sim.server.resetRequestCount();
    const third = await p.list({ kind: 'job', limit: 100, offset: 200 });
    expect(third.resources).toHaveLength(100);
    // Usual: pages 0-2 read from the start, which shows offset honoured. Other: the whole list, and
    // one more read that brings it back (offset ignored: it is the whole list). Own page size: 10
    // jobs a request, then the fourth page from its offset.
    expect(sim.server.requestCount).toBe(COSTS[reading][0]);
    sim.server.resetRequestCount();
    const fourth = await p.list({ kind: 'job', limit: 100, offset: 300 });
    expect(fourth.resources).toHaveLength(100);
    expect(sim.server.requestCount).toBe(COSTS[reading][1]);
    expect(new Set([...third.resources, ...fourth.resources].map((r) => r.id)).size).toBe(200);
  });

  it('an idle cycle reads each page once: the empty closing page shows offsets honoured (issue 41)', async () => {
    addJobs(100);
    const p = provider();
    const cycle = async () => {
      sim.server.resetRequestCount();
      const pages = [
        await p.list({ kind: 'job', limit: 100, offset: 0 }),
        await p.list({ kind: 'job', limit: 100, offset: 100 }),
      ];
      expect(pages.map((page) => page.resources.length)).toEqual([100, 0]);
      return sim.server.requestCount;
    };
    await cycle();
    // Usual: the page, then its empty closing page from its own offset (was: from the start again).
    expect(await cycle()).toBe(COSTS[reading][2]);
  });

  it('a short answer is not the end until an empty one says so: 25 of 30 shown, no wrong total', async () => {
    // Seed 001 documents no page size: an API paging with its own (10) answers 10 when 25 are asked.
    const uuids = addJobs(30);
    const first = await provider().list({ kind: 'job', limit: 25, offset: 0 });
    expect(first.resources.map((r) => r.id)).toEqual(uuids.slice(0, 25));
    expect(first.total).toBe(wholeList ? 30 : undefined);
    const p = provider();
    await p.list({ kind: 'job', limit: 10, offset: 0 });
    await p.list({ kind: 'job', limit: 10, offset: 10 });
    const last = await p.list({ kind: 'job', limit: 25, offset: 20 });
    expect(last.resources.map((r) => r.id)).toEqual(uuids.slice(20));
    expect(last.total).toBe(30);
  });

  it('a page past the end is empty and claims no total (never total = offset)', async () => {
    addJobs(150);
    const p = provider();
    const deep = await p.list({ kind: 'job', limit: 100, offset: 100 });
    expect(deep.resources).toHaveLength(50);
    expect(deep.total).toBe(150);
    const past = await p.list({ kind: 'job', limit: 10, offset: 200 });
    expect(past.resources).toEqual([]);
    expect(past.total === undefined || past.total === 150).toBe(true);
  });
});
