import { describe, expect, it } from 'vitest';
import { renderRequesterNotice } from '../../../src/capabilities/approvals/blocks/approval-notices.js';
import { outcomeLine } from '../../../src/capabilities/approvals/blocks/approval-words.js';
import type { ApprovalRecord } from '../../../src/capabilities/shared/approval-record.js';
import { ErrorCode, OutcomeUnknownError } from '../../../src/errors.js';
import { UpCloudProvider } from '../../../src/providers/upcloud/index.js';
import { UPCLOUD_JOB } from '../../fixtures/provider-response-cases.js';
import { UPCLOUD_API, UPCLOUD_SERVICE, upcloudSeedConnection } from '../../fixtures/seed-connections.js';
import { overNock } from '../nock-rig.js';

// Issue #11, defect 5: an UpCloud create answered with a 2xx but no job body used to be reported as a
// failure although the job had been created. Now the job is found by name in the list; when it cannot
// be, the error says it may have been created and how to check, and the approval never says "failed".

const UPCLOUD = UPCLOUD_API;
const JOBS = `/1.3/object-storage-2/${UPCLOUD_SERVICE}/jobs`;
const { nock, deps } = overNock();

const provider = () =>
  new UpCloudProvider(
    upcloudSeedConnection({
      name: 'up',
      auth: { type: 'bearer', token: 'ucat_example' },
      storage: {
        source: { name: 'aws', accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'source-secret-0001' },
      },
    }),
    deps,
  );

const REQUEST = {
  name: 'aws-migration',
  sourceEndpoint: 's3.amazonaws.com',
  sourceRegion: 'us-east-1',
  sourceBucket: 'my-aws-bucket',
  targetBucket: 'my-upcloud-bucket',
};

const job = (uuid: string, name: string, createdAgoMs: number) => ({
  ...UPCLOUD_JOB,
  uuid,
  name,
  status: 'pending',
  created_at: new Date(Date.now() - createdAgoMs).toISOString(),
});
const NEW_UUID = 'c1b2c3d4-e5f6-7890-abcd-ef1234567890';
const OLD_UUID = 'd1b2c3d4-e5f6-7890-abcd-ef1234567890';

async function outcome(promise: Promise<unknown>): Promise<OutcomeUnknownError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutcomeUnknownError);
  return error as OutcomeUnknownError;
}

// Each list answer is the whole list, as seed 001 prints `GET …/jobs` (no parameters): the client
// reads twice, the second read (at the offset after the first answer) confirming the list's end.
describe('a create answered without a job body', () => {
  it('201 with an empty body: the job is found by name in the list and returned', async () => {
    nock(UPCLOUD).post(JOBS).reply(201, '');
    nock(UPCLOUD)
      .get(JOBS)
      .query(true)
      .times(2)
      .reply(200, [job(OLD_UUID, 'other', 60_000), job(NEW_UUID, 'aws-migration', 1_000)]);
    await expect(provider().create('job', REQUEST)).resolves.toEqual({ id: NEW_UUID, name: 'aws-migration' });
  });

  it('not in the list yet: it may have been created, and the message says how to check', async () => {
    nock(UPCLOUD).post(JOBS).reply(201, '');
    nock(UPCLOUD)
      .get(JOBS)
      .query(true)
      .times(2)
      .reply(200, [job(OLD_UUID, 'other', 60_000)]);
    const error = await outcome(provider().create('job', REQUEST));
    expect(error.code).toBe(ErrorCode.OutcomeUnknown);
    expect(error.message).toMatch(/may have been created/);
    expect(error.message).toMatch(/list the connection's jobs and look for "aws-migration"/);
    expect(error.message).not.toMatch(/failed/i);
  });

  it('a job of that name created long before the request is not taken for the new one', async () => {
    nock(UPCLOUD).post(JOBS).reply(200, { accepted: true });
    nock(UPCLOUD)
      .get(JOBS)
      .query(true)
      .times(2)
      .reply(200, [job(OLD_UUID, 'aws-migration', 2 * 86_400_000)]);
    const error = await outcome(provider().create('job', REQUEST));
    expect(error.message).toMatch(/no job named "aws-migration" is in the list yet/);
  });

  it('two recent jobs of that name: both named, none guessed', async () => {
    nock(UPCLOUD).post(JOBS).reply(201, '');
    nock(UPCLOUD)
      .get(JOBS)
      .query(true)
      .times(2)
      .reply(200, [job(OLD_UUID, 'aws-migration', 5_000), job(NEW_UUID, 'aws-migration', 1_000)]);
    const error = await outcome(provider().create('job', REQUEST));
    expect(error.message).toContain(OLD_UUID);
    expect(error.message).toContain(NEW_UUID);
  });

  it('the list cannot be read: still "may have been created", never "failed"', async () => {
    nock(UPCLOUD).post(JOBS).reply(201, '');
    nock(UPCLOUD).get(JOBS).query(true).times(3).reply(503, 'busy');
    const error = await outcome(provider().create('job', REQUEST));
    expect(error.message).toMatch(/could not be read.*may have been created/);
  });

  it('a readable job body is used as it is, with no extra list call', async () => {
    nock(UPCLOUD)
      .post(JOBS)
      .reply(201, job(NEW_UUID, 'aws-migration', 0));
    await expect(provider().create('job', REQUEST)).resolves.toEqual({ id: NEW_UUID, name: 'aws-migration' });
  });
});

describe('the approval of such a create', () => {
  const record: ApprovalRecord = {
    id: 'abcdef0123',
    team: 'T1',
    requester: 'U1',
    channel: 'C1',
    connection: 'up',
    provider: 'upcloud',
    kind: 'job',
    request: REQUEST,
    status: 'failed',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
    decidedBy: 'U2',
    decidedAt: '2026-01-01T00:01:00.000Z',
    failure: { message: 'UpCloud accepted the request… may have been created', outcomeUnknown: true },
  };

  it('says it may have been created, not that nothing was', () => {
    expect(outcomeLine(record)).toMatch(/may have been created/);
    expect(outcomeLine(record)).not.toMatch(/Nothing was created|failed/);
    const notice = renderRequesterNotice(record).text;
    expect(notice).toMatch(/may have been created/);
    expect(notice).not.toMatch(/Nothing was created/);
  });
});
