import { type Capability, type CapabilityStates, defineCapability } from '../capability.js';
import { Subscriptions } from './following.js';
import { subscribeCommand, subscriptionsCommand, unsubscribeCommand } from './subscribe-command.js';
import { SUBSCRIPTIONS_WORDS } from './words.js';

/**
 * Subscriptions: a channel follows a whole connection or an OMS task group (`/migrate subscribe`)
 * without a `watch` per task. Each cycle's list pages of a followed connection go to it
 * (`Watcher.listing`), and what it finds there becomes watches the one editor draws; a group
 * followed with `all` is one watched group card. Its keys in the watcher's store are unchanged.
 */
export const subscriptions: Capability & { of(deps: { capabilities: CapabilityStates }): Subscriptions } =
  defineCapability<Subscriptions>({
    name: 'subscriptions',
    start: (core) => new Subscriptions(core.watcher, core.connections, core.logger),
    subcommands: [
      subscribeCommand((ctx) => subscriptions.of(ctx.deps)),
      unsubscribeCommand((ctx) => subscriptions.of(ctx.deps)),
      subscriptionsCommand((ctx) => subscriptions.of(ctx.deps)),
    ],
    words: SUBSCRIPTIONS_WORDS,
    forgetWorkspace: (s, teamId) => s.forget(teamId),
  });
