/**
 * What an action changes, and so where the actor's role is looked up. A workspace-wide action
 * (a workspace grant, a setting, a connection, the audit log) counts only workspace-level roles; a
 * channel's action counts the workspace-level roles and that channel's grants, never another's.
 */
export type Scope = { readonly kind: 'workspace' } | { readonly kind: 'channel'; readonly channelId: string };

export const WORKSPACE: Scope = Object.freeze({ kind: 'workspace' });

/**
 * The scope of an action in a channel. Without a channel (App Home, a workflow step, a DM the bot
 * cannot place) only workspace-level roles count: a channel grant never applies outside its channel.
 */
export function channelScope(channelId: string | undefined): Scope {
  return channelId ? { kind: 'channel', channelId } : WORKSPACE;
}

/** Whether a grant made for `grantChannel` (undefined: workspace-wide) counts in `scope`. */
export function grantApplies(grantChannel: string | undefined, scope: Scope): boolean {
  return grantChannel === undefined || (scope.kind === 'channel' && grantChannel === scope.channelId);
}

/** For logs, metrics and the audit: `workspace` or `channel:C123`. */
export function describeScope(scope: Scope): string {
  return scope.kind === 'workspace' ? 'workspace' : `channel:${scope.channelId}`;
}
