import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { UpCloudProvider } from '../../../src/providers/upcloud/index.js';
import { renderError } from '../../../src/slack/blocks/error-message.js';
import { UPCLOUD_API, UPCLOUD_SERVICE, upcloudSeedConnection } from '../../fixtures/seed-connections.js';
import { failure } from '../../helpers/provider-failure.js';
import { overNock } from '../nock-rig.js';
import { expectShownAsPermission } from '../permission-headline.js';

// The UpCloud side of issue 37 item 7. providers.md §2.4: "Auth failure is HTTP 401 with error code
// AUTHENTICATION_FAILED"; §2.5 lists 403 apart and gives the problem+json error format, whose code is
// the `type` URL's fragment without `ERROR_`. A 403 FORBIDDEN (the catalogue: "the credentials are
// valid but not allowed to perform this operation", e.g. a subaccount without rights to the service)
// must be headlined as a permission, never "rejected the connection's credentials".

const ENDPOINT = UPCLOUD_API;
const SERVICE = UPCLOUD_SERVICE;
const JOB = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';
const JOB_PATH = `/1.3/object-storage-2/${SERVICE}/jobs/${JOB}`;
const { nock, deps } = overNock();
const provider = new UpCloudProvider(upcloudSeedConnection({ region: 'europe-1' }), deps);
const PROBLEM = { 'content-type': 'application/problem+json' };
const problem = (code: string, title: string, status: number) => ({
  type: `https://developers.upcloud.com/1.3/errors#ERROR_${code}`,
  title,
  status,
  correlation_id: '01HF6V085AGBB0ZBJE5YAC42DT',
});

describe('UpCloud 403 FORBIDDEN is a permission, 401 AUTHENTICATION_FAILED the keys (providers.md §2.4, §2.5)', () => {
  it('Cancel job answered 403 FORBIDDEN: a refused request, headlined and advised as a permission', async () => {
    nock(ENDPOINT)
      .delete(JOB_PATH)
      .reply(403, problem('FORBIDDEN', 'Forbidden.', 403), PROBLEM);
    const error = await failure(provider.cancel('job', JOB));
    expect(error).toMatchObject({ code: ErrorCode.ProviderRequest, httpStatus: 403, errorCode: 'FORBIDDEN' });
    expectShownAsPermission(error);
  });

  it('Get job answered 401 AUTHENTICATION_FAILED stays a credentials failure', async () => {
    nock(ENDPOINT)
      .get(JOB_PATH)
      .reply(401, problem('AUTHENTICATION_FAILED', 'Authentication failed.', 401), PROBLEM);
    const error = await failure(provider.get('job', JOB));
    expect(error).toMatchObject({ code: ErrorCode.ProviderAuth, errorCode: 'AUTHENTICATION_FAILED' });
    expect(renderError(error, 'op-2').text).toMatch(/credentials/);
  });
});
