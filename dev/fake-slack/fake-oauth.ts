import { randomBytes } from 'node:crypto';

/**
 * The OAuth side of the fake Slack: `oauth.v2.access` for the install redirect (a code the test
 * hands out) and for token rotation (`grant_type=refresh_token`, each refresh token usable once),
 * plus which issued tokens are valid and for which workspace.
 */
export interface FakeInstallGrant {
  teamId: string;
  teamName?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
  /** The installing user. */
  userId: string;
  scopes?: readonly string[];
  /** Token rotation on: the first access token expires after this many seconds. */
  expiresInSeconds?: number;
}

interface IssuedToken {
  grant: FakeInstallGrant;
  /** Unix ms; undefined without rotation. */
  expiresAt?: number;
}

/** Access tokens issued by a refresh last this long (Slack: 12 h). */
const ROTATED_TOKEN_SECONDS = 12 * 3600;

export class FakeSlackOAuth {
  clientId = 'fake-client-id';
  clientSecret = 'fake-client-secret';
  appId = 'A0MIGRATE';
  /** Refreshes answered (successful ones). */
  refreshes = 0;
  /** Refresh requests received, refused ones included (a refresh token sent twice counts twice). */
  refreshAttempts = 0;
  /** Refreshes refused because their refresh token was unknown or already used. */
  refusedRefreshes = 0;
  /** How long a refresh takes to answer (its refresh token is spent when the answer is sent). */
  refreshDelayMs = 0;
  readonly #codes = new Map<string, FakeInstallGrant>();
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #refreshTokens = new Map<string, FakeInstallGrant>();

  /** A one-time code for the install redirect (`/slack/oauth_redirect?code=…`). */
  grant(grant: FakeInstallGrant): string {
    const code = `code-${randomBytes(6).toString('hex')}`;
    this.#codes.set(code, grant);
    return code;
  }

  /** True for an issued, unexpired, unrevoked bot token. */
  accepts(token: string | undefined): boolean {
    const issued = token ? this.#tokens.get(token) : undefined;
    return issued !== undefined && (issued.expiresAt === undefined || issued.expiresAt > Date.now());
  }

  teamOf(token: string | undefined): string | undefined {
    return token ? this.#tokens.get(token)?.grant.teamId : undefined;
  }

  /**
   * Lets the rotating access tokens issued so far for a workspace run out now (as if their hours
   * had passed): a caller still using one gets `invalid_auth`, its refresh token still works.
   */
  expireTokens(teamId: string): void {
    for (const issued of this.#tokens.values())
      if (issued.grant.teamId === teamId && issued.expiresAt !== undefined) issued.expiresAt = Date.now();
  }

  /** Revokes every token of a workspace (what uninstalling does). */
  revoke(teamId: string): void {
    for (const [token, issued] of this.#tokens)
      if (issued.grant.teamId === teamId) this.#tokens.delete(token);
  }

  /** Counts a refresh as it arrives and holds it `refreshDelayMs`, so tests can act while one is in flight. */
  async arriving(body: Record<string, unknown>): Promise<void> {
    if (body.grant_type !== 'refresh_token') return;
    this.refreshAttempts++;
    if (this.refreshDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.refreshDelayMs));
  }

  access(body: Record<string, unknown>): Record<string, unknown> {
    if (body.client_id !== this.clientId) return { ok: false, error: 'invalid_client_id' };
    if (body.client_secret !== this.clientSecret) return { ok: false, error: 'bad_client_secret' };
    if (body.grant_type === 'refresh_token') {
      const grant = this.#refreshTokens.get(String(body.refresh_token ?? ''));
      if (!grant) {
        this.refusedRefreshes++;
        return { ok: false, error: 'invalid_refresh_token' };
      }
      this.#refreshTokens.delete(String(body.refresh_token));
      this.refreshes++;
      return { ok: true, ...this.#issue(grant, ROTATED_TOKEN_SECONDS), token_type: 'bot' };
    }
    const grant = this.#codes.get(String(body.code ?? ''));
    if (!grant) return { ok: false, error: 'invalid_code' };
    this.#codes.delete(String(body.code));
    const tokens = this.#issue(grant, grant.expiresInSeconds);
    return {
      ok: true,
      app_id: this.appId,
      authed_user: { id: grant.userId },
      scope: (grant.scopes ?? ['commands', 'chat:write', 'users:read', 'usergroups:read']).join(','),
      token_type: 'bot',
      bot_user_id: 'U0BOT0001',
      team: grant.isEnterpriseInstall ? null : { id: grant.teamId, name: grant.teamName ?? grant.teamId },
      enterprise: grant.enterpriseId ? { id: grant.enterpriseId, name: grant.enterpriseId } : null,
      is_enterprise_install: grant.isEnterpriseInstall ?? false,
      ...tokens,
    };
  }

  #issue(grant: FakeInstallGrant, expiresInSeconds: number | undefined): Record<string, unknown> {
    const rotating = expiresInSeconds !== undefined;
    const access = `${rotating ? 'xoxe.' : ''}xoxb-${grant.teamId}-${randomBytes(8).toString('hex')}`;
    this.#tokens.set(access, {
      grant,
      expiresAt: rotating ? Date.now() + expiresInSeconds * 1000 : undefined,
    });
    if (!rotating) return { access_token: access };
    const refresh = `xoxe-1-${randomBytes(10).toString('hex')}`;
    this.#refreshTokens.set(refresh, grant);
    return { access_token: access, refresh_token: refresh, expires_in: expiresInSeconds };
  }
}
