import { describe, expect, it } from 'vitest';
import type { MigrationResource } from '../../src/domain/migration-resource.js';
import { HuaweiOmsProvider } from '../../src/providers/huawei-oms/index.js';
import { NcpProvider } from '../../src/providers/ncp/index.js';
import { UpCloudProvider } from '../../src/providers/upcloud/index.js';
import { renderResourceCard } from '../../src/slack/blocks/resource-card.js';
import { renderResourceList } from '../../src/slack/blocks/resource-list.js';
import { SEED_POLICY } from '../fixtures/ncp-seed-policy.js';
import { SEED_LIST_GROUPS, SEED_TASK } from '../fixtures/oms-seed-responses.js';
import { UPCLOUD_JOB } from '../fixtures/provider-response-cases.js';
import {
  NCP_API,
  ncpSeedConnection,
  OMS_API,
  OMS_PROJECT,
  omsSeedConnection,
  UPCLOUD_API,
  UPCLOUD_SERVICE,
  upcloudSeedConnection,
} from '../fixtures/seed-connections.js';
import { overNock } from './nock-rig.js';

// Issue #11, defect 1: one malformed item in a list page used to fail the whole page ("unexpected
// response shape"), emptying `/migrate list`. Now the rest of the page is used, the bad item is logged
// with its id and shown as unreadable; a status the bot does not know shows its raw value.

const OMS = OMS_API;
const PROJECT = OMS_PROJECT;
const NCP = NCP_API;
const UPCLOUD = UPCLOUD_API;
const SERVICE = UPCLOUD_SERVICE;
const { nock, deps, lines } = overNock({
  level: 'warn',
  afterEach: () => {
    lines.length = 0;
  },
});
const keys = { type: 'aksk', accessKey: 'AKEXAMPLE0000000', secretKey: 'sk-example-0000000000' } as const;

const hw = () => new HuaweiOmsProvider(omsSeedConnection({ auth: keys }), deps);
const ncp = () =>
  new NcpProvider(ncpSeedConnection({ name: 'ncp', endpoint: NCP, region: 'KR', auth: keys }), deps);
const upcloud = () =>
  new UpCloudProvider(
    upcloudSeedConnection({ name: 'up', auth: { type: 'bearer', token: 'ucat_example' } }),
    deps,
  );

const warnings = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const unreadable = (resources: MigrationResource[]) => resources.filter((r) => r.unreadable);

describe('a list page with malformed items', () => {
  it('OMS ListTasks: the good tasks are used, a garbage id and a missing id are reported', async () => {
    const good = { ...SEED_TASK, id: 191297407830872, name: 'photos', status: 2 };
    const garbageId = { ...SEED_TASK, id: 'DROP TABLE', name: 'bad' };
    const { id: _, ...noId } = SEED_TASK;
    const nullFields = {
      ...SEED_TASK,
      id: 191297407830873,
      name: null,
      status: 99,
      src_node: { app_id: null },
    };
    nock(OMS)
      .get(`/v2/${PROJECT}/tasks`)
      .query({ limit: '10', offset: '0' })
      .reply(200, { tasks: [good, garbageId, noId, nullFields], count: 4 });
    const page = await hw().list({ kind: 'task', limit: 10, offset: 0 });
    expect(page.total).toBe(4);
    expect(page.resources.filter((r) => !r.unreadable).map((r) => [r.id, r.state, r.rawStatus])).toEqual([
      ['191297407830872', 'running', '2'],
      ['191297407830873', 'unknown', '99'],
    ]);
    expect(unreadable(page.resources).map((r) => r.id)).toEqual(['DROP TABLE', '(no id)']);
    expect(warnings()).toEqual([
      expect.objectContaining({ provider: 'huawei-oms', operation: 'ListTasks', id: 'DROP TABLE' }),
      expect.objectContaining({ provider: 'huawei-oms', operation: 'ListTasks', id: null }),
    ]);
    expect(warnings()[0]?.msg).toBe('unreadable item in a list page');
  });

  it('OMS ListTasks: a task whose malformed fields are ones a list row does not show is listed as usual', async () => {
    const odd = {
      ...SEED_TASK,
      id: 191297407830874,
      name: 'odd',
      status: 2,
      bandwidth_policy: 'every night',
      smn_info: 42,
      enable_kms: 'yes',
      unknown_field: { anything: true },
    };
    nock(OMS)
      .get(`/v2/${PROJECT}/tasks`)
      .query({ limit: '10', offset: '0' })
      .reply(200, { tasks: [odd], count: 1 });
    const page = await hw().list({ kind: 'task', limit: 10, offset: 0 });
    expect(page.resources.map((r) => [r.id, r.unreadable ?? false, r.state, r.name])).toEqual([
      ['191297407830874', false, 'running', 'odd'],
    ]);
    expect(page.resources[0]?.source.bucket).toBe(SEED_TASK.src_node.bucket);
    expect(warnings()).toEqual([]);
  });

  it('OMS ListTaskGroup: a group whose id is a number is unreadable, the others are not', async () => {
    const [first, second] = SEED_LIST_GROUPS.taskgroups;
    nock(OMS)
      .get(`/v2/${PROJECT}/taskgroups`)
      .query({ limit: '10', offset: '0' })
      .reply(200, {
        count: 3,
        taskgroups: [first, { ...second, group_id: 12 }, { ...first, group_id: 'g-3', status: null }],
      });
    const page = await hw().list({ kind: 'task-group', limit: 10, offset: 0 });
    expect(page.resources.map((r) => [r.id, r.unreadable ? 'unreadable' : r.state])).toEqual([
      [first?.group_id, 'succeeded'],
      ['g-3', 'unknown'],
      ['12', 'unreadable'],
    ]);
  });

  it('NCP GetMigrationJobList: a policy without a title is reported, the others are used', async () => {
    const { title: _, ...untitled } = SEED_POLICY;
    nock(NCP)
      .get('/migration-api/v1/policies')
      .query(true)
      .reply(200, {
        objStrContracted: true,
        num: 3,
        jobList: [SEED_POLICY, untitled, { ...SEED_POLICY, title: 'p2', jobState: 'ARCHIVED' }],
      });
    const page = await ncp().list({ kind: 'policy', limit: 10, offset: 0 });
    expect(page.resources.map((r) => [r.id, r.unreadable ? 'unreadable' : r.state, r.rawStatus])).toEqual([
      ['migrationpolicy', 'paused', 'PAUSED'],
      ['p2', 'unknown', 'ARCHIVED'],
      ['(no id)', 'unreadable', ''],
    ]);
    expect(warnings()).toEqual([
      expect.objectContaining({ provider: 'ncp', operation: 'GetMigrationJobList' }),
    ]);
  });

  it('UpCloud ListJobs: a job whose uuid is a number is reported by it; filtered lists keep showing it', async () => {
    const bad = { ...UPCLOUD_JOB, uuid: 42 };
    nock(UPCLOUD)
      .get(`/1.3/object-storage-2/${SERVICE}/jobs`)
      .query({ limit: '10', offset: '0' })
      .reply(200, [UPCLOUD_JOB, bad]);
    // A short answer may be a page of the API's own size: one more read confirms the end.
    nock(UPCLOUD)
      .get(`/1.3/object-storage-2/${SERVICE}/jobs`)
      .query({ limit: '8', offset: '2' })
      .reply(200, []);
    const page = await upcloud().list({ kind: 'job', limit: 10, offset: 0 });
    expect(page.resources.map((r) => [r.id, r.unreadable ? 'unreadable' : r.state])).toEqual([
      [UPCLOUD_JOB.uuid, 'running'],
      ['42', 'unreadable'],
    ]);
    expect(warnings()).toEqual([expect.objectContaining({ provider: 'upcloud', id: '42' })]);

    nock(UPCLOUD)
      .get(`/1.3/object-storage-2/${SERVICE}/jobs`)
      .query({ limit: '100', offset: '0' })
      .reply(200, [UPCLOUD_JOB, bad]);
    nock(UPCLOUD)
      .get(`/1.3/object-storage-2/${SERVICE}/jobs`)
      .query({ limit: '100', offset: '2' })
      .reply(200, []);
    const failed = await upcloud().list({ kind: 'job', states: ['failed'], limit: 10, offset: 0 });
    expect(failed.resources.map((r) => r.id)).toEqual(['42']);
  });
});

describe('how they are shown', () => {
  it('a list row says Unreadable with the id and has no Open button; an unknown status shows its raw value', async () => {
    nock(OMS)
      .get(`/v2/${PROJECT}/tasks`)
      .query({ limit: '10', offset: '0' })
      .reply(200, {
        tasks: [
          { ...SEED_TASK, id: 7, status: 12 },
          { ...SEED_TASK, id: {} },
        ],
        count: 2,
      });
    const page = await hw().list({ kind: 'task', limit: 10, offset: 0 });
    const blocks = renderResourceList({
      title: 'Tasks',
      resources: page.resources,
      total: 2,
      failures: [],
      answered: 1,
    });
    const rows = blocks.filter((b) => b.type === 'section') as {
      text: { text: string };
      accessory?: unknown;
    }[];
    expect(rows[0]?.text.text).toContain(':grey_question: Unknown (12)');
    expect(rows[0]?.accessory).toBeDefined();
    expect(rows[1]?.text.text).toContain('Unreadable task');
    expect(rows[1]?.text.text).toContain('`hw:(no id)`');
    expect(rows[1]?.accessory).toBeUndefined();

    const card = JSON.stringify(renderResourceCard(page.resources[0]!, [], { now: Date.now() }));
    expect(card).toContain('Unknown (12)');
  });
});
