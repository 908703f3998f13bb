import type { Capability } from '../../contract/capability.js';
import type { WatchPart } from '../../contract/watch.js';
import { Subscriptions } from './following.js';
import { subscribeCommand, subscriptionsCommand, unsubscribeCommand } from './subscribe-command.js';
import { SUBSCRIPTIONS_WORDS } from './words.js';

/**
 * Subscriptions: a channel follows a whole connection or an OMS task group (`/migrate subscribe`)
 * without a `watch` per task. Each cycle's list pages of a followed connection go to it
 * (its `watch.listing`), and what it finds there becomes watches the one editor draws; a group
 * followed with `all` is one watched group card. Its keys in the watcher's store are unchanged.
 */
export const subscriptions: Capability = {
  name: 'subscriptions',
  words: SUBSCRIPTIONS_WORDS,
  start(core) {
    const s = new Subscriptions(core.watcher, core.connections, core.logger);
    return {
      state: s,
      commands: {
        subcommands: [subscribeCommand(() => s), unsubscribeCommand(() => s), subscriptionsCommand(() => s)],
      },
      watch: subscriptionsWatch(s),
      cleanup: { forgetWorkspace: (teamId) => s.forget(teamId) },
    };
  },
};

/** What subscriptions hook on the watcher's cycle (also the benchmark's watcher, bench/poll/). */
export function subscriptionsWatch(s: Subscriptions): WatchPart {
  return { listing: s.listing, counting: (teamId) => s.store.use(teamId) };
}
