import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import seedExamples from '../../../dev/simulators/huawei-oms/seed-examples.json' with { type: 'json' };
import seedTables from '../../../dev/simulators/huawei-oms/seed-request-tables.json' with { type: 'json' };
// @ts-expect-error: a plain .mjs script without types
import { exampleResponses, requestTables } from '../../../scripts/extract-oms-request-tables.mjs';
import { PoolRegistry } from '../../../src/providers/http/http-client.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import { HW_AK, HW_SK, omsConnection, PROJECT_ID } from '../../harness/test-bot.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { crossCheckSkippedWithout, OMS_SEED, seedText } from '../../helpers/seeds.js';
import { omsPasswordToken } from '../simulator-rig.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
/** Seed 002's text where it lies beside the checkout; the re-reads from it are skipped otherwise. */
const SEED = seedText(OMS_SEED);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? files(file) : file.endsWith('.ts') ? [file] : [];
  });
}

// Issue #11: "No simulator imports the client's schemas or mapping; its validation is written from
// the seed tables."
describe('the simulators follow the seeds, not the client', () => {
  // Issue #37, item 11: not the signers or the URL encoding either; a signature checked with the
  // client's own signer cannot catch the client's signing mistakes.
  it('no simulator imports a provider client, its schemas, its mapping, its signer or its encoding', () => {
    const offenders = files(path.join(ROOT, 'dev', 'simulators')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '((?:\.\.\/)+src\/providers\/[^']+)'/g)]
        .map((m) => m[1]!)
        .map((spec) => `${path.relative(ROOT, file)} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  describe.skipIf(SEED === undefined)('against the seed text', () => {
    it('checks OMS requests against the seed’s own tables, re-read from seed 002 here', () => {
      expect(requestTables(SEED!)).toEqual(seedTables);
    });

    it('are the examples printed in seed 002, re-read from it here', () => {
      expect(exampleResponses(SEED!)).toEqual(seedExamples);
    });
  });
  crossCheckSkippedWithout(OMS_SEED, SEED);

  it('has the seed’s request tables as the seed prints them (spot checks)', () => {
    // Values read off the seed's text by hand, so a broken extractor cannot agree with itself.
    const create = seedTables.CreateTask;
    expect(create.table).toBe('5-39');
    expect(create.fields.find((f) => f.name === 'src_node')?.mandatory).toBe(true);
    expect(create.fields.find((f) => f.name === 'task_type')?.enum).toEqual([
      'list',
      'url_list',
      'object',
      'prefix',
    ]);
    expect(create.objects.dst_node.fields.find((f) => f.name === 'bucket')).toMatchObject({
      mandatory: true,
      maxLength: 1024,
    });
    const rule = create.objects.bandwidth_policy.fields.find((f) => f.name === 'max_bandwidth');
    expect(rule).toMatchObject({ mandatory: true, min: 1048576, max: 209715200 });
    expect(seedTables.StartTask.fields.map((f) => f.name)).toContain('source_cdn_authentication_key');
  });

  describe('a request the seed refuses is refused, whatever the client would send', () => {
    const sim = new OmsSimulator({
      projectId: 'p1',
      users: [{ name: 'ops', password: 'ops-password-123', domain: 'acme' }],
    });
    let token = '';
    beforeAll(async () => {
      await sim.start();
      token = await omsPasswordToken(sim.url, 'p1');
    });
    afterAll(() => sim.stop());

    const post = async (pathname: string, body: unknown) => {
      const res = await fetch(`${sim.url}/v2/p1${pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': token },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { error_code?: string; error_msg?: string } };
    };

    it.each([
      [
        'no dst_node (mandatory in Table 5-39)',
        { src_node: { bucket: 'a', region: 'r', ak: 'a', sk: 's' } },
        'OMS.1004',
      ],
      [
        'a task_type not in the enumeration',
        { task_type: 'PREFIX', src_node: {}, dst_node: { ak: 'a', sk: 's', bucket: 'b', region: 'r' } },
        'OMS.0001',
      ],
      [
        'a description with a forbidden character',
        { description: 'a<b', src_node: {}, dst_node: { ak: 'a', sk: 's', bucket: 'b', region: 'r' } },
        'OMS.0078',
      ],
      [
        'a bucket name longer than 1,024 characters',
        { src_node: {}, dst_node: { ak: 'a', sk: 's', bucket: 'b'.repeat(1025), region: 'r' } },
        'OMS.0001',
      ],
      [
        'a bandwidth below 1 MB/s',
        {
          src_node: {},
          dst_node: { ak: 'a', sk: 's', bucket: 'b', region: 'r' },
          bandwidth_policy: [{ start: '00:00', end: '06:00', max_bandwidth: 1000 }],
        },
        'OMS.0084',
      ],
      [
        'overlapping windows',
        {
          src_node: {},
          dst_node: { ak: 'a', sk: 's', bucket: 'b', region: 'r' },
          bandwidth_policy: [
            { start: '22:00', end: '02:00', max_bandwidth: 1048576 },
            { start: '01:00', end: '03:00', max_bandwidth: 1048576 },
          ],
        },
        'OMS.0085',
      ],
      ['a body that is not JSON', '{"src_node":', 'OMS.0067'],
    ])('CreateTask: %s → 400 %s', async (_what, body, code) => {
      const answer = await post('/tasks', body);
      expect(answer.status).toBe(400);
      expect(answer.body.error_code).toBe(code);
    });
  });

  describe('seeded with the seed’s own example responses', () => {
    const sim = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } });
    const pools = new PoolRegistry();
    let provider: HuaweiOmsProvider;
    beforeAll(async () => {
      await sim.start();
      provider = new HuaweiOmsProvider(omsConnection('hw-doc', sim.url), {
        pools,
        logger: captureLogger('fatal').logger,
      });
    });
    afterAll(async () => {
      await pools.close();
      await sim.stop();
    });

    it('serves them back, and the client reads each: placeholders, status 0 and null counters included', async () => {
      const seeded = sim.addDocumentedExamples();
      const task = await provider.get('task', seeded.tasks[0]!.id);
      expect(task).toMatchObject({ id: '0', name: 'string', state: 'unknown', rawStatus: '0' });
      const group = await provider.get('task-group', '9522a7e5-b4fc-44b9-93e1-4dbadbd86e67');
      expect(group).toMatchObject({ state: 'paused', bytes: { total: 27814708666 } });
      const sync = await provider.get('sync-task', 'd18befdd-eb82-41f3-8019-bbb593d74a3e');
      expect(sync).toMatchObject({ state: 'monitoring', name: expect.any(String) });
    });
  });
});
