import type { Capability, CapabilityCore } from '../../contract/capability.js';
import { apiRoutes } from './routes.js';
import { tokenCommand } from './token-command.js';
import { TokenStore } from './tokens.js';
import { API_WORDS } from './words.js';

export interface ApiState {
  tokens: TokenStore;
  now(): number;
  core: CapabilityCore;
}

/**
 * An API in (docs/api.md): per-workspace tokens made by admins in Slack, and
 * `/api/v1` on the bot's port, through the same use cases and policy as Slack's commands.
 */
export const api: Capability = {
  name: 'api',
  words: API_WORDS,
  start(core) {
    const s: ApiState = { tokens: new TokenStore(core.state), now: () => core.clock.now(), core };
    return {
      state: s,
      commands: { subcommands: [tokenCommand(() => s)] },
      http: { routes: (deps) => apiRoutes(s.core, s.tokens, deps) },
      cleanup: { forgetWorkspace: (teamId) => s.tokens.forget(teamId) },
    };
  },
};
