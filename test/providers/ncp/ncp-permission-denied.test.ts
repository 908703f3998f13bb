import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { NcpProvider } from '../../../src/providers/ncp/index.js';
import { renderError } from '../../../src/slack/blocks/error-message.js';
import { NCP_API, ncpSeedConnection } from '../../fixtures/seed-connections.js';
import { failure } from '../../helpers/provider-failure.js';
import { overNock } from '../nock-rig.js';
import { expectShownAsPermission } from '../permission-headline.js';

// The NCP side of issue 37 item 7. providers.md §1.8, the common API Gateway table NCP Object
// Migration "uses": "401 | 200 | Authentication Failed" and "401 | 210 | Permission Denied". The
// same status means two things: 200 is the keys, 210 is keys that work but may not call this API
// (a sub account without Object Migration rights). 210 must be headlined as a permission, with the
// permissions next step, never "rejected the connection's credentials" or "fix the keys".

const ENDPOINT = NCP_API;
const PAUSE = '/migration-api/v1/policy/migrationpolicy/pause';
const { nock, deps } = overNock();
const provider = new NcpProvider(ncpSeedConnection(), deps);

/** The gateway's error body (providers.md §1.8): `errorCode` is a string. */
const gateway = (errorCode: string, message: string) => ({
  error: { errorCode, message, details: 'Invalid authentication information.' },
});

describe('NCP 401 code 210 "Permission Denied" is a permission, not the keys (providers.md §1.8)', () => {
  it('PauseMigrationJob refused with 401/210: a refused request, headlined and advised as a permission', async () => {
    nock(ENDPOINT).post(PAUSE).reply(401, gateway('210', 'Permission Denied'));
    const error = await failure(provider.pause('policy', 'migrationpolicy'));
    expect(error).toMatchObject({ code: ErrorCode.ProviderRequest, httpStatus: 401, errorCode: '210' });
    expectShownAsPermission(error);
  });

  it('401 code 200 "Authentication Failed" stays a credentials failure', async () => {
    nock(ENDPOINT).post(PAUSE).reply(401, gateway('200', 'Authentication Failed'));
    const error = await failure(provider.pause('policy', 'migrationpolicy'));
    expect(error).toMatchObject({ code: ErrorCode.ProviderAuth, httpStatus: 401, errorCode: '200' });
    expect(renderError(error, 'op-2').text).toMatch(/credentials/);
  });

  it('GetMigrationJobList refused with 401/210 is a refusal too', async () => {
    nock(ENDPOINT)
      .get('/migration-api/v1/policies')
      .query(true)
      .reply(401, gateway('210', 'Permission Denied'));
    const error = await failure(provider.list({ kind: 'policy', limit: 10, offset: 0 }));
    expect(error).toMatchObject({ code: ErrorCode.ProviderRequest, errorCode: '210' });
  });
});
