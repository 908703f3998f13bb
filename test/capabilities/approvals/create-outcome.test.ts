import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { failureShown, mayHaveCreated } from '../../../src/capabilities/approvals/approval-failure.js';
import { ErrorCode, InvalidInputError, OutcomeUnknownError, ProviderError } from '../../../src/errors.js';
import { HttpClient, PoolRegistry } from '../../../src/providers/http/http-client.js';
import { SecretRegistry } from '../../../src/secrets.js';
import { captureLogger } from '../../helpers/capture-logger.js';

// A create is sent once. When its answer is lost or is a server error, the resource may exist:
// the approval must not say "Nothing was created" (asking again could make a second one).

const pools = new PoolRegistry();
const { logger } = captureLogger('fatal');
afterAll(() => pools.close());

/** A real POST over loopback to a server that does `behave` with the connection. */
async function failedCreate(behave: 'hang-up' | 504 | 429 | 400 | 'refused'): Promise<unknown> {
  const server = createServer((socket) => {
    socket.once('data', () => {
      if (behave === 'hang-up') socket.destroy();
      else {
        const body = JSON.stringify({ error_code: 'OMS.0160', error_msg: 'busy' });
        socket.end(
          `HTTP/1.1 ${behave} X\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  if (behave === 'refused') await new Promise((resolve) => server.close(resolve));
  const http = new HttpClient({
    provider: 'huawei-oms',
    purpose: 'interactive',
    baseUrl: `http://127.0.0.1:${port}`,
    pools,
    logger,
    authenticate: async () => {},
    parseError: (response) => ({
      errorCode: (JSON.parse(response.text) as { error_code?: string }).error_code,
    }),
  });
  try {
    await http.send({ operation: 'CreateTask', method: 'POST', path: '/v2/p/tasks', body: { a: 1 } });
    throw new Error('the create did not fail');
  } catch (error) {
    return error;
  } finally {
    if (behave !== 'refused') server.close();
  }
}

describe('whether a failed create may have created something', () => {
  it.each([
    ['the connection dropped after the request was sent', 'hang-up', true],
    ['a 504 gateway timeout', 504, true],
    ['a 429 (refused before any work)', 429, false],
    ['a 400 (refused)', 400, false],
    ['the connection was refused (nothing sent)', 'refused', false],
  ] as const)('%s: %s', async (_what, behave, may) => {
    const error = await failedCreate(behave);
    expect(error).toBeInstanceOf(ProviderError);
    expect(mayHaveCreated(error)).toBe(may);
    const shown = failureShown(new SecretRegistry(), error, 'T1', true);
    expect(shown.outcomeUnknown === true).toBe(may);
    // The provider's details are kept either way, for the catalogue's explanation.
    expect(shown.provider).toBe('huawei-oms');
  });

  it('only a create failure is told so: posting the request for approval created nothing', async () => {
    const error = await failedCreate('hang-up');
    expect(failureShown(new SecretRegistry(), error, 'T1').outcomeUnknown).toBeUndefined();
  });

  it('an answer that named nothing may have created it; a bad request did not', () => {
    expect(mayHaveCreated(new OutcomeUnknownError('no job in the answer'))).toBe(true);
    expect(mayHaveCreated(new InvalidInputError('bad'))).toBe(false);
    expect(
      mayHaveCreated(
        new ProviderError(ErrorCode.ProviderAuth, { provider: 'ncp', operation: 'x', httpStatus: 401 }),
      ),
    ).toBe(false);
  });
});
