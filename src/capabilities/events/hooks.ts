import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../crypto/secret-box.js';
import { InvalidInputError } from '../../errors.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import type { Category } from './envelope.js';
import type { FileHook } from './hook-file.js';
import { EVENT_WORDS } from './words.js';

/** One webhook of a workspace, as stored: its secret sealed like every other stored secret. */
export interface Hook {
  id: string;
  url: string;
  /** The categories it asked for (none: every one). */
  events: Category[];
  connection?: string;
  sealed: string;
  createdBy: string;
  createdAt: number;
}

/** How its deliveries went (written by whichever replica delivered). */
export interface HookStats {
  delivered: number;
  /** Failed attempts, and events given up on after the retry period. */
  failures: number;
  dropped: number;
  last?: { at: number; ok: boolean; status: string };
}

/** A workspace may have this many webhooks. */
export const MAX_HOOKS = 10;
const TEAMS = 'ev:teams';
const hooksKey = (team: string) => `ev:hooks:${team}`;
export const statsKey = (team: string, id: string) => `ev:stats:${team}:${id}`;
const sealContext = (team: string, id: string) => `webhook:${team}:${id}`;

const parse = <T>(raw: string | undefined, empty: T): T =>
  raw === undefined ? empty : (JSON.parse(raw) as T);

/** The webhooks of every workspace, in the store (`ev:` keys), their secrets sealed with the bot's keys. */
export class HookStore {
  /** The connections file's webhooks (`webhooks:`), read at start and on SIGHUP; not in the store. */
  fileHooks: readonly FileHook[] = [];

  constructor(
    readonly kv: AtomicKv,
    readonly box: SecretBox | undefined,
  ) {}

  async list(team: string): Promise<Hook[]> {
    const file = this.fileHooks.filter((h) => h.team === team);
    return [...parse<Hook[]>(await this.kv.get(hooksKey(team)), []), ...file];
  }

  async teams(): Promise<string[]> {
    return [...new Set([...(await this.kv.setMembers(TEAMS)), ...this.fileHooks.map((h) => h.team)])];
  }

  /** Adds one; the secret is returned this once (it is stored sealed). Undefined: the workspace has its most. */
  async add(
    team: string,
    hook: Omit<Hook, 'id' | 'sealed'>,
  ): Promise<{ hook: Hook; secret: string } | undefined> {
    if (!this.box) throw InvalidInputError.in(EVENT_WORDS, 'webhook.error.noKeys');
    const id = `h${randomBytes(3).toString('hex')}`;
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const full: Hook = { ...hook, id, sealed: this.box.seal(secret, sealContext(team, id)) };
    let added = false;
    await this.kv.update(hooksKey(team), (raw) => {
      const hooks = parse<Hook[]>(raw, []);
      added = hooks.length < MAX_HOOKS;
      return added ? JSON.stringify([...hooks, full]) : SKIP;
    });
    if (!added) return undefined;
    await this.kv.setAdd(TEAMS, team);
    return { hook: full, secret };
  }

  async remove(team: string, id: string): Promise<boolean> {
    let removed = false;
    await this.kv.update(hooksKey(team), (raw) => {
      const hooks = parse<Hook[]>(raw, []);
      const rest = hooks.filter((h) => h.id !== id);
      removed = rest.length < hooks.length;
      if (!removed) return SKIP;
      return rest.length > 0 ? JSON.stringify(rest) : undefined;
    });
    if (removed) await this.kv.update(statsKey(team, id), () => undefined);
    return removed;
  }

  secretOf(team: string, hook: Hook): string {
    if ('secret' in hook && typeof hook.secret === 'string') return hook.secret;
    if (!this.box) throw InvalidInputError.in(EVENT_WORDS, 'webhook.error.noKeys');
    return this.box.open(hook.sealed, sealContext(team, hook.id));
  }

  async stats(team: string, id: string): Promise<HookStats> {
    return parse<HookStats>(await this.kv.get(statsKey(team, id)), { delivered: 0, failures: 0, dropped: 0 });
  }

  async count(team: string, id: string, change: (s: HookStats) => HookStats): Promise<void> {
    await this.kv.update(statsKey(team, id), (raw) =>
      JSON.stringify(change(parse<HookStats>(raw, { delivered: 0, failures: 0, dropped: 0 }))),
    );
  }

  async forget(team: string): Promise<void> {
    for (const hook of await this.list(team)) await this.remove(team, hook.id);
    await this.kv.setRemove(TEAMS, team);
  }
}
