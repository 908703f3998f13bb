import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/connections/connection.js';
import type { MigrationResource } from '../../../src/domain/migration-resource.js';
import { fetchTransport, PoolRegistry } from '../../../src/providers/http/http-client.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import { listByStatus } from '../../../src/providers/huawei-oms/list-by-status.js';
import { SEED_LIST_GROUPS } from '../../fixtures/oms-seed-responses.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { useStrictNock } from '../../helpers/strict-nock.js';

// Issue 37, item 3. A group state covering two statuses (failed = 4 "creation failed" + 5 "migration
// failed", running = 1 + 2, deleting = 8 + 9; Table 5-114) is one sequence: offset and limit apply to
// it, with one total. ListTaskGroup pages with limit 1-100 and offset 0-2147483647 (Table 5-114) and
// answers `count`, "the total number of migration task groups that meet the search criteria"
// (Table 5-116). nock answers exactly so, per status; `withoutCount` leaves count out (tolerated).

const OMS = 'https://oms.cn-north-4.myhuaweicloud.com';
const PROJECT = '0215ef11e49d4743be23dd97a156dddd';
const pools = new PoolRegistry();
const { logger } = captureLogger('fatal');
const aksk: Connection['auth'] = { type: 'aksk', accessKey: 'HWEXAMPLEACCESSKEY01', secretKey: 'hw-sk-01' };

function provider(): HuaweiOmsProvider {
  return new HuaweiOmsProvider(
    { name: 'hw', provider: 'huawei-oms', endpoint: OMS, projectId: PROJECT, auth: aksk, storage: {} },
    { pools, logger, transport: fetchTransport },
  );
}

useStrictNock({
  afterAll: async () => {
    await pools.close();
  },
  allowUnused: true,
});

/** `n` groups of one status as OMS pages them (Table 5-114); returns how many calls were made. */
function groupsOfStatus(status: number, n: number, options: { withoutCount?: boolean } = {}) {
  const template = SEED_LIST_GROUPS.taskgroups[0]!;
  let calls = 0;
  nock(OMS)
    .get(`/v2/${PROJECT}/taskgroups`)
    .query((q) => q.status === String(status))
    .times(200)
    .reply((uri) => {
      calls++;
      const q = new URL(uri, OMS).searchParams;
      const offset = Number(q.get('offset') ?? 0);
      const limit = Number(q.get('limit') ?? 10);
      expect(limit).toBeGreaterThanOrEqual(1);
      expect(limit).toBeLessThanOrEqual(100);
      const end = Math.min(n, offset + limit);
      const taskgroups = Array.from({ length: Math.max(0, end - offset) }, (_, i) => ({
        ...template,
        group_id: `s${status}-${offset + i}`,
        status,
      }));
      return [200, options.withoutCount ? { taskgroups } : { count: n, taskgroups }];
    });
  return { calls: () => calls };
}

const ids = (from: number, to: number, status: number) =>
  Array.from({ length: to - from }, (_, i) => `s${status}-${from + i}`);

describe('a two-status group state is one sequence with one total (Table 5-114, 5-116)', () => {
  it('10,000 failed groups: the page at offset 9,900 is the last 100 of status 5, total 10,000', async () => {
    const four = groupsOfStatus(4, 6_000);
    const five = groupsOfStatus(5, 4_000);
    const page = await provider().list({ kind: 'task-group', states: ['failed'], limit: 100, offset: 9_900 });
    expect(page.total).toBe(10_000);
    expect(page.moreThan).toBeUndefined();
    expect(page.resources.map((r) => r.id)).toEqual(ids(3_900, 4_000, 5));
    // Each status read where the page falls in it, not from its start: a few calls, not 100.
    expect(four.calls() + five.calls()).toBeLessThanOrEqual(3);
  });

  it('a page across the seam takes the end of status 1 and the start of status 2', async () => {
    groupsOfStatus(1, 7_000);
    groupsOfStatus(2, 50);
    const page = await provider().list({ kind: 'task-group', states: ['running'], limit: 40, offset: 6_980 });
    expect(page.resources.map((r) => r.id)).toEqual([...ids(6_980, 7_000, 1), ...ids(0, 20, 2)]);
    expect(page.total).toBe(7_050);
  });

  it('deleting (8 + 9): every page of the sequence in turn, no item twice, none missing', async () => {
    groupsOfStatus(8, 130);
    groupsOfStatus(9, 75);
    const hw = provider();
    const seen: string[] = [];
    for (let offset = 0; offset < 205; offset += 60) {
      const page = await hw.list({ kind: 'task-group', states: ['deleting'], limit: 60, offset });
      expect(page.total).toBe(205);
      expect(page.resources.length).toBe(Math.min(60, 205 - offset));
      seen.push(...page.resources.map((r) => r.id));
    }
    expect(seen).toEqual([...ids(0, 130, 8), ...ids(0, 75, 9)]);
  });

  it('without count: the page is still right, and the total is "more than N", never a wrong number', async () => {
    groupsOfStatus(4, 6_000, { withoutCount: true });
    groupsOfStatus(5, 4_000, { withoutCount: true });
    const page = await provider().list({ kind: 'task-group', states: ['failed'], limit: 100, offset: 5_500 });
    expect(page.resources.map((r) => r.id)).toEqual(ids(5_500, 5_600, 4));
    expect(page.total).toBeUndefined();
    expect(page.moreThan).toBe(5_600);
  });

  it('without count, a page past the first status finds where it ends and reads the next', async () => {
    groupsOfStatus(4, 6_000, { withoutCount: true });
    groupsOfStatus(5, 4_000, { withoutCount: true });
    const page = await provider().list({ kind: 'task-group', states: ['failed'], limit: 100, offset: 9_900 });
    expect(page.resources.map((r) => r.id)).toEqual(ids(3_900, 4_000, 5));
    expect(page.total).toBe(10_000);
  });
});

describe('every seam, limit and offset of a two-status sequence (Table 5-114 paging, Table 5-116 count)', () => {
  // The merge on its own, against a model of ListTaskGroup: offset/limit per status, `count` or not.
  // Lengths around the page sizes, offsets around each seam and past the end (from the issue-37 review).
  function model(lengths: readonly number[], withCount: boolean) {
    return async (status: number | undefined, limit: number, offset: number) => {
      const n = lengths[status ?? 0]!;
      const items = Array.from({ length: Math.max(0, Math.min(limit, n - offset)) }, (_, i) => ({
        id: `${status}-${offset + i}`,
      })) as unknown as MigrationResource[];
      return withCount ? { items, count: n } : { items };
    };
  }
  const cases: [number[], number, number][] = [];
  for (const a of [0, 1, 99, 100, 101, 250])
    for (const b of [0, 1, 100, 150])
      for (const limit of [1, 10, 100])
        for (const offset of new Set([0, a - 1, a, a + 1, a + b - 1, a + b, a + b + 5]))
          if (offset >= 0) cases.push([[a, b], limit, offset]);

  it.each([true, false])(
    'the page is the merged slice, the total right or absent (count given: %s)',
    async (withCount) => {
      const wrong: string[] = [];
      for (const [lengths, limit, offset] of cases) {
        const page = await listByStatus({ limit, offset }, [0, 1], model(lengths, withCount));
        const all = lengths.flatMap((n, s) => Array.from({ length: n }, (_, i) => `${s}-${i}`));
        const got = page.resources.map((r) => r.id);
        const ok =
          JSON.stringify(got) === JSON.stringify(all.slice(offset, offset + limit)) &&
          (page.total === undefined || page.total === all.length) &&
          (page.moreThan === undefined || page.moreThan < all.length) &&
          !(got.length === 0 && offset < all.length);
        if (!ok) wrong.push(JSON.stringify({ lengths, limit, offset, got: got.length, total: page.total }));
      }
      expect(wrong.slice(0, 10)).toEqual([]);
    },
  );
});
