import {
  type Capability,
  type CapabilityCore,
  type CapabilityStates,
  defineCapability,
} from '../capability.js';
import { apiRoutes } from './routes.js';
import { tokenCommand } from './token-command.js';
import { TokenStore } from './tokens.js';
import { API_WORDS } from './words.js';

interface ApiState {
  tokens: TokenStore;
  now(): number;
  core: CapabilityCore;
}

/**
 * An API in (docs/api.md): per-workspace tokens made by admins in Slack, and
 * `/api/v1` on the bot's port, through the same use cases and policy as Slack's commands.
 */
export const api: Capability & { of(deps: { capabilities: CapabilityStates }): ApiState } =
  defineCapability<ApiState>({
    name: 'api',
    start(core) {
      const tokens = new TokenStore(core.state);
      return { tokens, now: () => core.clock.now(), core };
    },
    subcommands: [tokenCommand((deps) => api.of(deps))],
    routes: (s, deps) => apiRoutes(s.core, s.tokens, deps),
    forgetWorkspace: (s, teamId) => s.tokens.forget(teamId),
    words: API_WORDS,
  });
