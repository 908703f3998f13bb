import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';

/** The roles a token may have: it reads, or it also pauses, resumes and asks for migrations. */
export const TOKEN_ROLES = ['viewer', 'operator'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** A token lives this long; a new one is added before it lapses. */
export const TOKEN_LIFE_MS = 90 * 86_400_000;

/** One API token as stored: its hash only (the token itself was shown once). */
export interface ApiToken {
  id: string;
  name: string;
  role: TokenRole;
  /** A channel id: the token's role counts there only (a viewer elsewhere), like a channel grant. */
  channel?: string;
  hash: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
}

const listKey = (team: string) => `api:tokens:${team}`;
const lookupKey = (hash: string) => `api:token:${hash}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Per-workspace API tokens: `mbt_<id>_<secret>`, stored as a SHA-256 hash (the secret has 256
 * random bits, so no slow hash is needed), found by that hash, revocable and expiring.
 */
export class TokenStore {
  constructor(readonly kv: AtomicKv) {}

  async list(team: string): Promise<ApiToken[]> {
    const raw = await this.kv.get(listKey(team));
    return raw === undefined ? [] : (JSON.parse(raw) as ApiToken[]);
  }

  /** Adds one and returns it with the token, said this once; undefined when the name is taken. */
  async add(
    team: string,
    token: Omit<ApiToken, 'id' | 'hash' | 'expiresAt'>,
  ): Promise<{ token: ApiToken; secret: string } | undefined> {
    const id = randomBytes(4).toString('hex');
    const secret = `mbt_${id}_${randomBytes(32).toString('base64url')}`;
    const full: ApiToken = { ...token, id, hash: sha256(secret), expiresAt: token.createdAt + TOKEN_LIFE_MS };
    let added = false;
    await this.kv.update(listKey(team), (raw) => {
      const tokens = raw === undefined ? [] : (JSON.parse(raw) as ApiToken[]);
      added = !tokens.some((t) => t.name === token.name);
      return added ? JSON.stringify([...tokens, full]) : SKIP;
    });
    if (!added) return undefined;
    await this.kv.update(lookupKey(full.hash), () => JSON.stringify({ team, id }));
    return { token: full, secret };
  }

  async revoke(team: string, name: string): Promise<boolean> {
    let gone: ApiToken | undefined;
    await this.kv.update(listKey(team), (raw) => {
      const tokens = raw === undefined ? [] : (JSON.parse(raw) as ApiToken[]);
      gone = tokens.find((t) => t.name === name);
      if (!gone) return SKIP;
      const rest = tokens.filter((t) => t !== gone);
      return rest.length > 0 ? JSON.stringify(rest) : undefined;
    });
    if (gone) await this.kv.update(lookupKey(gone.hash), () => undefined);
    return gone !== undefined;
  }

  /** The workspace and token a bearer token is, if it is one, not revoked and not expired at `now`. */
  async verify(bearer: string, now: number): Promise<{ team: string; token: ApiToken } | undefined> {
    if (!/^mbt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/.test(bearer)) return undefined;
    const hash = sha256(bearer);
    const raw = await this.kv.get(lookupKey(hash));
    if (raw === undefined) return undefined;
    const { team, id } = JSON.parse(raw) as { team: string; id: string };
    const token = (await this.list(team)).find((t) => t.id === id);
    if (!token || !timingSafeEqual(Buffer.from(token.hash), Buffer.from(hash))) return undefined;
    return token.expiresAt > now ? { team, token } : undefined;
  }

  async forget(team: string): Promise<void> {
    for (const token of await this.list(team)) await this.revoke(team, token.name);
  }
}
