import type { AppDeps, HttpHandler, UseCaseContext } from './core-types.js';

/** An HTTP route served on the bot's port (the health routes, a capability's own). */
export interface Route {
  path: string;
  method: string[];
  handler: HttpHandler;
}

/**
 * A read a capability adds to the API: `path` under `/api/v1` (`:name` parameters), `read` given
 * the caller's context (the token's role and channel: it checks the policy itself) and the
 * parameters; its answer is JSON as documented in the OpenAPI document.
 */
export interface ApiRead {
  path: string;
  read(ctx: UseCaseContext, params: Readonly<Record<string, string | undefined>>): Promise<unknown>;
}

/** Its HTTP routes beside the health routes (paths it owns, `/api/v1/…`) and its API reads. */
export interface HttpPart {
  /** `deps` are the bot's, as Slack's listeners get them (the approvals, the sender). */
  routes?(deps: AppDeps): readonly Route[];
  apiReads?: readonly ApiRead[];
}
