import { createRequire } from 'node:module';
import {
  App,
  type AuthorizeResult,
  type Installation,
  type InstallationQuery,
  type InstallationStore,
  type ReceiverEvent,
} from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/slack/bolt-logger.js';
import { AckFirstReceiver } from '../../../src/slack/intake/ack-first-receiver.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * ADR 0009: the one piece of Bolt we still reach into is the OAuth `authorize` (create-slack-app
 * replaces `receiver.installer.authorize` before building the App, so incoming requests are
 * authorized through SlackClients.authorize, which refreshes a rotating token under the
 * installation's lock). Bolt gives no documented way to combine its install routes with an
 * `authorize` of our own. These are the assumptions, as verified against the installed Bolt: an
 * upgrade that breaks one fails here, before a replica spends a refresh token twice.
 */

const VERIFIED_BOLT = '5.1.0';
const boltVersion = (createRequire(import.meta.url)('@slack/bolt/package.json') as { version: string })
  .version;

/** An installation store with nothing in it: these tests never reach Bolt's own authorize. */
const emptyStore: InstallationStore = {
  storeInstallation: async () => {},
  fetchInstallation: async (): Promise<Installation<'v1' | 'v2', boolean>> => {
    throw new Error('Bolt authorized through its own installer, not ours');
  },
};

function oauthReceiver(): AckFirstReceiver {
  return new AckFirstReceiver({
    signingSecret: 'contract-secret',
    logger: boltLogger(captureLogger().logger),
    clientId: 'client-id',
    clientSecret: 'client-secret',
    stateSecret: 'state-secret-of-sufficient-length',
    scopes: ['commands', 'chat:write'],
    installationStore: emptyStore,
  });
}

const command = {
  command: '/migrate',
  text: 'help',
  team_id: 'T0CONTRACT',
  enterprise_id: 'E0CONTRACT',
  user_id: 'U0CONTRACT',
  channel_id: 'C0CONTRACT',
  response_url: 'http://127.0.0.1:1/response',
};

describe(`Bolt ${VERIFIED_BOLT} contract: the OAuth authorize override`, () => {
  it(`the installed Bolt is the version these assumptions were verified against (${VERIFIED_BOLT})`, () => {
    // An upgrade re-runs this file; change the constant once every test below passes on it.
    expect(boltVersion.split('.')[0]).toBe(VERIFIED_BOLT.split('.')[0]);
  });

  it('an OAuth receiver has an installer whose authorize can be replaced', () => {
    const receiver = oauthReceiver();
    expect(typeof receiver.installer?.authorize).toBe('function');
  });

  it('Bolt refuses an authorize of its own beside the install routes (why the override exists)', () => {
    const authorize = async (): Promise<AuthorizeResult> => ({ botToken: 'xoxb-ours' });
    expect(() => new App({ receiver: oauthReceiver(), authorize, convoStore: false })).toThrow(
      /both authorize and oauth installer options/,
    );
  });

  it('an App built after the replacement authorizes each request with ours, and its listeners get our token', async () => {
    const receiver = oauthReceiver();
    const asked: InstallationQuery<boolean>[] = [];
    receiver.installer!.authorize = async (source: InstallationQuery<boolean>) => {
      asked.push(source);
      return { botToken: 'xoxb-from-our-authorize', botId: 'B0OURS', botUserId: 'U0OURBOT' };
    };
    const app = new App({ receiver, logger: boltLogger(captureLogger().logger), convoStore: false });
    const tokens: (string | undefined)[] = [];
    app.command('/migrate', async ({ ack, context }) => {
      await ack();
      tokens.push(context.botToken);
    });
    const event: ReceiverEvent = { body: command, ack: async () => {} };
    await app.processEvent(event);
    expect(asked).toEqual([
      expect.objectContaining({
        teamId: 'T0CONTRACT',
        enterpriseId: 'E0CONTRACT',
        isEnterpriseInstall: false,
      }),
    ]);
    expect(tokens).toEqual(['xoxb-from-our-authorize']);
  });

  it('a replacement made after the App is built is not used (create-slack-app replaces it before)', async () => {
    const receiver = oauthReceiver();
    const app = new App({ receiver, logger: boltLogger(captureLogger().logger), convoStore: false });
    let ours = 0;
    receiver.installer!.authorize = async () => {
      ours++;
      return { botToken: 'xoxb-late' };
    };
    const errors: unknown[] = [];
    app.error(async (error) => {
      errors.push(error);
    });
    app.command('/migrate', async ({ ack }) => ack());
    await app
      .processEvent({ body: command, ack: async () => {} })
      .catch((error: unknown) => errors.push(error));
    expect(ours).toBe(0);
  });
});
