import { App, type Receiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/slack/bolt-logger.js';
import { ListenerRegistry } from '../../../src/slack/listeners/router.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/** A receiver that never listens: the test hands Bolt its requests directly. */
const idleReceiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };

const team = { id: 'T1', domain: 't' };
const user = { id: 'U1', team_id: 'T1' };

describe('listener registry (ADR 0009)', () => {
  it('hands each registration to Bolt as given and records what it answers', async () => {
    const app = new App({
      receiver: idleReceiver,
      logger: boltLogger(captureLogger().logger),
      convoStore: false,
      authorize: async () => ({ botToken: 'xoxb-test', botId: 'B0TEST', botUserId: 'U0BOT' }),
    });
    const registry = new ListenerRegistry(app);
    const ran: string[] = [];
    const note =
      (name: string) =>
      async ({ ack }: { ack?: () => Promise<void> }) => {
        ran.push(name);
        await ack?.();
      };
    const { routes } = registry;
    routes.command('/migrate', note('command'));
    routes.action(/^resource\.(pause|resume)(:|$)/, note('pause'));
    routes.action({ type: 'block_actions', action_id: 'create.kind', block_id: 'b1' }, note('kind'));
    routes.view('form', note('form'));
    routes.options({ action_id: /^create\./ }, note('options'));
    routes.shortcut('migrate_create', note('shortcut'));
    routes.event('app_home_opened', note('home'));
    routes.function('migration_status', note('step'));
    routes.action({ block_id: 'b2' }, note('any-action-in-b2'));

    expect(registry.entryPoints()).toEqual([
      { surface: 'command', id: '/migrate' },
      { surface: 'action', id: '^resource\\.(pause|resume)(:|$)' },
      { surface: 'action', id: 'create.kind' },
      { surface: 'view', id: 'form' },
      { surface: 'options', id: '^create\\.' },
      { surface: 'shortcut', id: 'migrate_create' },
      { surface: 'event', id: 'app_home_opened' },
      { surface: 'function', id: 'migration_status' },
      { surface: 'action', id: '*' },
    ]);

    const send = (body: Record<string, unknown>) => app.processEvent({ body, ack: async () => {} });
    const action = (action_id: string, block_id: string) => ({
      type: 'block_actions',
      team,
      user,
      actions: [{ type: 'button', action_id, block_id, action_ts: '1' }],
    });
    await send({ command: '/migrate', text: '', team_id: 'T1', user_id: 'U1', channel_id: 'C1' });
    await send(action('resource.pause:1', 'b0'));
    await send(action('create.kind', 'b1'));
    await send(action('create.kind', 'b2'));
    await send({ type: 'shortcut', team, user, callback_id: 'migrate_create', trigger_id: 'tr' });
    expect(ran).toEqual(['command', 'pause', 'kind', 'any-action-in-b2', 'shortcut']);
  });

  it('without an app it only records (what the seam tests enumerate)', () => {
    const registry = new ListenerRegistry();
    registry.routes.event(/^member_(joined|left)_channel$/, async () => {});
    expect(registry.entryPoints()).toEqual([{ surface: 'event', id: '^member_(joined|left)_channel$' }]);
  });
});
