import { App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../src/slack/bolt-logger.js';
import { ListenerRouter, type ListenerRoutes } from '../../src/slack/listeners/router.js';
import { captureLogger } from '../helpers/capture-logger.js';

/** A receiver that never listens: the test hands Bolt its requests directly. */
const idleReceiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };

interface Harness {
  app: App;
  ran: string[];
  errors: unknown[];
}

function newApp(): Harness {
  const ran: string[] = [];
  const errors: unknown[] = [];
  const app = new App({
    receiver: idleReceiver,
    logger: boltLogger(captureLogger().logger),
    convoStore: false,
    authorize: async () => ({ botToken: 'xoxb-test', botId: 'B0TEST', botUserId: 'U0BOT' }),
  });
  app.error(async (error) => {
    errors.push(error);
  });
  return { app, ran, errors };
}

/** The same registrations, made on Bolt itself or on the router. */
function registerAll(routes: ListenerRoutes, ran: string[]): void {
  const note = (name: string) => async (args: { ack?: () => Promise<void> }) => {
    ran.push(name);
    if (name.startsWith('fails')) throw new Error(name);
    await args.ack?.();
  };
  routes.command('/migrate', note('command'));
  routes.action('resource.refresh', note('refresh'));
  routes.action(/^resource\.(pause|resume)(:|$)/, note('pause-or-resume'));
  routes.action({ type: 'block_actions', action_id: /^create\./ }, note('create-select'));
  routes.action({ action_id: 'create.both', block_id: 'b1' }, note('create-both-in-b1'));
  routes.action('fails.one', note('fails-a'));
  routes.action('fails.two', note('fails-b'));
  routes.action(/^fails\.two$/, note('fails-c'));
  routes.view('form', note('form-submitted'));
  routes.view({ callback_id: 'form', type: 'view_closed' }, note('form-closed'));
  routes.options({ action_id: /^create\./ }, note('bucket-options'));
  routes.shortcut('migrate_create', note('shortcut'));
  routes.event('app_home_opened', note('home-opened'));
  routes.event('member_joined_channel', note('joined'));
  routes.function('migration_status', note('step-status'));
  routes.function('request_migration', { autoAcknowledge: false }, note('step-request'));
}

const team = { id: 'T1', domain: 't' };
const user = { id: 'U1', team_id: 'T1' };
const action = (action_id: string, block_id = 'b0') => ({
  type: 'block_actions',
  team,
  user,
  channel: { id: 'C1' },
  response_url: 'http://127.0.0.1:1/response',
  actions: [{ type: 'button', action_id, block_id, action_ts: '1' }],
});
const view = (type: string, callback_id: string) => ({
  type,
  team,
  user,
  view: { id: 'V1', callback_id, team_id: 'T1', state: { values: {} } },
});
const event = (e: Record<string, unknown>) => ({ type: 'event_callback', team_id: 'T1', event: e });

const REQUESTS: Record<string, Record<string, unknown>> = {
  command: { command: '/migrate', text: 'status', team_id: 'T1', user_id: 'U1', channel_id: 'C1' },
  otherCommand: { command: '/other', text: '', team_id: 'T1', user_id: 'U1', channel_id: 'C1' },
  refresh: action('resource.refresh'),
  pause: action('resource.pause:1'),
  createSelect: action('create.kind'),
  createBothInB1: action('create.both', 'b1'),
  unknownAction: action('nobody.listens'),
  failsOne: action('fails.one'),
  failsTwo: action('fails.two'),
  submitted: view('view_submission', 'form'),
  closed: view('view_closed', 'form'),
  otherView: view('view_submission', 'other'),
  options: { type: 'block_suggestion', team, user, action_id: 'create.bucket', block_id: 'b', value: 'ph' },
  shortcut: { type: 'shortcut', team, user, callback_id: 'migrate_create', trigger_id: 'tr' },
  otherShortcut: { type: 'shortcut', team, user, callback_id: 'else', trigger_id: 'tr' },
  homeOpened: event({ type: 'app_home_opened', user: 'U1', tab: 'home' }),
  joined: event({ type: 'member_joined_channel', user: 'U1', channel: 'C1' }),
  otherEvent: event({ type: 'user_change', user: { id: 'U1' } }),
  stepStatus: event({
    type: 'function_executed',
    function: { callback_id: 'migration_status' },
    inputs: {},
    function_execution_id: 'Fx1',
  }),
  stepRequest: event({
    type: 'function_executed',
    function: { callback_id: 'request_migration' },
    inputs: {},
    function_execution_id: 'Fx2',
  }),
};

/** Which listeners ran, how often the request was acked, and what reached `app.error`. */
async function outcome(h: Harness, body: Record<string, unknown>) {
  h.ran.length = 0;
  h.errors.length = 0;
  let acks = 0;
  const request: ReceiverEvent = {
    body,
    ack: async () => {
      acks++;
    },
  };
  await h.app.processEvent(request);
  const errors = h.errors.map((e) => {
    const error = e as { code?: string; message: string; originals?: Error[] };
    return { code: error.code, message: error.message, originals: error.originals?.map((o) => o.message) };
  });
  return { ran: [...h.ran].sort(), acks, errors };
}

describe('listener router', () => {
  it('runs, for every kind of request, the listeners Bolt runs, acks as Bolt does and reports the same errors', async () => {
    const bolt = newApp();
    registerAll(bolt.app, bolt.ran);
    const routed = newApp();
    const router = new ListenerRouter();
    registerAll(router.routes, routed.ran);
    router.mount(routed.app);
    for (const [name, body] of Object.entries(REQUESTS)) {
      const expected = await outcome(bolt, body);
      expect({ name, ...(await outcome(routed, body)) }).toEqual({ name, ...expected });
    }
    // The requests cover what they should: matches, several matches, no match, failures.
    expect((await outcome(routed, REQUESTS.createBothInB1!)).ran).toEqual([
      'create-both-in-b1',
      'create-select',
    ]);
    expect((await outcome(routed, REQUESTS.unknownAction!)).ran).toEqual([]);
    expect((await outcome(routed, REQUESTS.failsTwo!)).errors[0]?.originals).toEqual(['fails-b', 'fails-c']);
    expect((await outcome(routed, REQUESTS.closed!)).ran).toEqual(['form-closed']);
  });

  it('gives Bolt one listener per surface, not one per registration', () => {
    const h = newApp();
    const router = new ListenerRouter();
    registerAll(router.routes, h.ran);
    router.mount(h.app);
    const listeners = (h.app as unknown as { listeners: unknown[] }).listeners;
    expect(listeners).toHaveLength(6);
  });
});
