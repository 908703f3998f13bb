import { blockLimitProblems } from '../../../dev/fake-slack/block-limits.js';
import type { ApprovalRecord } from '../../../src/capabilities/shared/approval-record.js';
import type { MigrationResource, NormalizedState } from '../../../src/domain/migration-resource.js';
import { ErrorCode, ProviderError } from '../../../src/errors.js';
import { requestFromForm } from '../../../src/slack/create-forms/index.js';
import { allSubcommands } from '../../../src/slack/listeners/commands/subcommands/index.js';
import type { WatchEvent } from '../../../src/watcher/records/watch-store.js';
import { startedForReading } from '../../harness/started-capabilities.js';

// What every surface test here draws with: the longest inputs each surface takes, and the
// registry's capabilities started on an inert core.

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
export const READING = startedForReading();
/** Every subcommand a bot answers but help: the core's, then its capabilities'. */
export const SUBCOMMANDS = allSubcommands(READING).slice(1);

/**
 * Every translated surface, in every language, with the longest inputs it takes (a 250-character
 * name, the longest catalogue texts, a long provider message): Slack's limits must still hold,
 * and the code, ids and bucket names stay as they are.
 */
export const LONG = 'x'.repeat(250);
export const STATES: NormalizedState[] = [
  'queued',
  'running',
  'paused',
  'failed',
  'succeeded',
  'unknown',
  'monitoring',
];
export const EVENTS: WatchEvent[] = [
  'started',
  'paused',
  'resumed',
  'retrying',
  'failed',
  'succeeded',
  'cancelled',
  'deleted',
  'vanished',
  'stalled',
  'moving',
];
/** Catalogue codes with long texts in every language, and one with two statuses. */
export const CODES = ['TRF.0015', 'OMS.0001', 'OMS.0095', 'APIGW.0301', 'S3M.0001', 'NOPE.42'];

export function resource(
  state: NormalizedState,
  overrides: Partial<MigrationResource> = {},
): MigrationResource {
  return {
    provider: 'huawei-oms',
    connection: 'hw-prod',
    kind: 'task',
    id: '191297407830872',
    name: `photos-${LONG}`,
    state,
    rawStatus: state === 'unknown' ? '42' : '2',
    progress: 0.37,
    speed: 12.5 * 1024 ** 2,
    etaSeconds: 2693,
    startedAt: new Date('2024-05-01T00:00:00Z'),
    bytes: { done: 304 * 1024 ** 3, total: 820 * 1024 ** 3 },
    objects: { done: 1000, total: 3000, failed: 12, skipped: 3 },
    source: { cloud: 'AWS', region: 'us-east-1', bucket: 'acme-photos', prefix: LONG },
    destination: { cloud: 'HuaweiCloud', region: 'cn-north-4', bucket: 'photos-obs' },
    failedObjectList: `failed/${LONG}.txt`,
    lastError: { code: 'TRF.0015', message: `The source AK is wrong ${'y'.repeat(900)}` },
    ...overrides,
  };
}

export function problems(blocks: unknown): string[] {
  return blockLimitProblems(blocks, 'message');
}

export const NAME40 = `hw-${'p'.repeat(37)}`;

export function approvalRecord(
  status: ApprovalRecord['status'],
  overrides: Partial<ApprovalRecord> = {},
): ApprovalRecord {
  const form = requestFromForm('huawei-oms', 'task', {
    task_type: 'prefix',
    src_cloud: 'AWS',
    src_region: 'us-east-1',
    src_bucket: 'acme-photos',
    src_objects: Array.from({ length: 40 }, (_, i) => `${'o'.repeat(200)}/${i}/`).join('\n'),
    dst_region: 'cn-north-4',
    dst_bucket: 'photos-obs',
    dst_prefix: 'x'.repeat(1000),
    description: 'd'.repeat(255),
    bandwidth: '00:00-06:00=200MB/s\n22:00-23:00=50MB/s',
  });
  if (!form.ok) throw new Error(JSON.stringify(form.errors));
  return {
    id: 'a084149f0b',
    team: 'T0FAKE001',
    requester: 'U0KOREA04',
    channel: 'C0FAKE001',
    connection: NAME40,
    provider: 'huawei-oms',
    kind: 'task',
    request: form.request,
    status,
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
    ...(status === 'pending' ? {} : { decidedBy: 'U0ALICE01', decidedAt: '2026-01-01T01:00:00.000Z' }),
    resourceId: '191297407830872',
    impact: {
      objects: 123_456_789,
      bytes: 9 * 1024 ** 5,
      prefixes: 40,
      complete: false,
      bandwidth: 200 * 1024 ** 2,
    },
    ...(status === 'failed'
      ? { failure: { message: 'f'.repeat(1000), errorCode: 'OMS.0095', httpStatus: 400, requestId: LONG } }
      : {}),
    ...overrides,
  } as ApprovalRecord;
}

export const providerFailures = (): ProviderError[] => [
  new ProviderError(ErrorCode.ProviderAuth, {
    provider: 'huawei-oms',
    operation: 'ListTasks',
    httpStatus: 401,
    errorCode: 'APIGW.0301',
    errorMessage: `Incorrect IAM authentication information ${'y'.repeat(400)}`,
  }),
  new ProviderError(ErrorCode.ProviderUnavailable, { provider: 'ncp', operation: 'x', httpStatus: 503 }),
  new ProviderError(ErrorCode.ProviderUnavailable, { provider: 'ncp', operation: 'x', errorMessage: LONG }),
  new ProviderError(ErrorCode.ProviderRequest, { provider: 'upcloud', operation: 'x', httpStatus: 404 }),
  new ProviderError(ErrorCode.ProviderRequest, {
    provider: 'huawei-oms',
    operation: 'x',
    httpStatus: 400,
    errorCode: 'OMS.0001',
  }),
];
