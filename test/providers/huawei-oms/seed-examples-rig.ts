import type { Connection } from '../../../src/connections/connection.js';
import { OmsClient } from '../../../src/providers/huawei-oms/client.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import {
  SEED_CREATE_SYNC_TASK,
  SEED_CREATE_TASK,
  SEED_CREATE_TASK_GROUP,
} from '../../fixtures/oms-seed-responses.js';
import { OMS_API, OMS_PROJECT, omsSeedConnection } from '../../fixtures/seed-connections.js';
import { overNock } from '../nock-rig.js';

// What the huawei-oms-seed-examples-*.test.ts files share: every request and response there is an
// example printed in seed 002 §5 (or seed 004), as printed: nulls, odd values and all.

/** The storage keys the examples print (`"src_ak" : "src_ak"`…). */
export const EXAMPLE_KEYS: Connection['storage'] = {
  source: { name: 'src', accessKey: 'src_ak', secretKey: 'src_sk' },
  destination: { name: 'dst', accessKey: 'dst_ak', secretKey: 'dst_sk' },
};

/**
 * A create example as the provider is given it: the printed body without the keys (`ak`/`sk` in the
 * nodes, `src_ak`… at the top) that the provider adds from the connection's storage credentials.
 */
function keysLeftOut(example: Record<string, unknown>): Record<string, unknown> {
  const { src_ak: _sa, src_sk: _ss, dst_ak: _da, dst_sk: _ds, ...body } = example;
  for (const node of ['src_node', 'dst_node']) {
    if (!body[node]) continue;
    const { ak: _ak, sk: _sk, ...rest } = body[node] as Record<string, unknown>;
    body[node] = rest;
  }
  return body;
}

/** The keys the start examples print (5.2.5, 5.3.8), and the create-sync-task example too. */
export const EXAMPLE_START_KEYS = { src_ak: 'src_ak', src_sk: 'src_sk', dst_ak: 'dst_ak', dst_sk: 'dst_sk' };

const CREATE = {
  task: ['/tasks', SEED_CREATE_TASK],
  'sync-task': ['/sync-tasks', SEED_CREATE_SYNC_TASK],
  'task-group': ['/taskgroups', SEED_CREATE_TASK_GROUP],
} as const;

/** Strict nock for the calling file, and the OMS client and provider over it at the seed's endpoint. */
export function useSeedExamples() {
  const { nock, deps } = overNock();
  const oms = () => nock(OMS_API);
  const p = (path: string) => `/v2/${OMS_PROJECT}${path}`;
  /** The raw OMS client (the provider no longer exposes it): seed examples call operations directly. */
  const client = (): OmsClient => new OmsClient(omsSeedConnection(), deps);
  const provider = (storage: Connection['storage'] = {}): HuaweiOmsProvider =>
    new HuaweiOmsProvider(omsSeedConnection({ storage }), deps);

  /** A printed body, as nock matches it. */
  type Printed = NonNullable<Parameters<ReturnType<typeof oms>['post']>[1]> & Record<string, unknown>;

  /**
   * Creates `kind` from a printed example less its keys, the connection holding `storage`: nock
   * expects the printed example itself on the wire and answers with the printed create response.
   */
  function createFromExample(
    kind: keyof typeof CREATE,
    example: Printed,
    storage: Connection['storage'] = EXAMPLE_KEYS,
  ): Promise<{ id: string; name: string }> {
    const [path, answer] = CREATE[kind];
    oms().post(p(path), example).reply(200, answer);
    return provider(storage).create(kind, keysLeftOut(example));
  }

  return { nock, oms, p, client, provider, createFromExample };
}
