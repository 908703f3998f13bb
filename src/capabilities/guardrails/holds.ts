import type { CapabilityCore } from '../../contract/capability.js';
import type { RequestCheck } from '../../contract/gate.js';
import { TERMINAL_STATES } from '../../domain/migration-resource.js';
import { AppError, ErrorCode } from '../../errors.js';
import { type AtomicKv, type BoundedAdd, SKIP } from '../../store/atomic-kv.js';

/**
 * What approvals took under the rules, kept per request so it can be given back: a share of a
 * monthly TiB quota (`quota`: its counter and the bytes) and a place among a workspace's
 * concurrent migrations (`slot`: the set). Each approval's takes carry its own token, so an
 * approval that did not decide gives back only its own.
 */
interface Take {
  token: string;
  quota?: { key: string; bytes: number };
  slot?: string;
}

const takenKey = (team: string, approval: string) => `guardrails:taken:${team}:${approval}`;
/** The resource an approved request made, for telling when its place among the running is free. */
const madeKey = (team: string, approval: string) => `guardrails:made:${team}:${approval}`;
export const slotsKey = (team: string, rule: string) => `guardrails:active:${team}:${rule}`;
/** The places a rule's per-connection limit gives on one connection (approved and not ended). */
export const connectionSlotsKey = (team: string, rule: string, connection: string) =>
  `guardrails:active-on:${team}:${rule}:${connection}`;

function parse(raw: string | undefined): Take[] {
  if (!raw) return [];
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? (list as Take[]).slice(0, 50) : [];
  } catch {
    return [];
  }
}

export class Holds {
  readonly #core: CapabilityCore;

  constructor(core: CapabilityCore) {
    this.#core = core;
  }

  get #kv(): AtomicKv {
    return this.#core.state;
  }

  /** Notes what an approval took, under its token (for `giveBack`). */
  async note(check: RequestCheck, take: Take): Promise<void> {
    if (!check.approval) return;
    await this.#kv.update(takenKey(check.team, check.approval), (current) =>
      JSON.stringify([...parse(current), take]),
    );
  }

  /**
   * Gives back what the request's approvals took (only `token`'s, when said): the quota's bytes
   * and the place among the running. Claimed first, so two replicas never give it back twice.
   */
  async giveBack(team: string, approval: string, token?: string): Promise<void> {
    let claimed: Take[] = [];
    await this.#kv.update(takenKey(team, approval), (current) => {
      const list = parse(current);
      claimed = list.filter((t) => token === undefined || t.token === token);
      if (claimed.length === 0) return SKIP;
      const kept = list.filter((t) => !claimed.includes(t));
      return kept.length > 0 ? JSON.stringify(kept) : undefined;
    });
    for (const t of claimed) {
      if (t.quota) {
        const { key, bytes } = t.quota;
        await this.#kv.update(key, (current) => String(Math.max((Number(current ?? 0) || 0) - bytes, 0)));
      }
      if (t.slot) await this.#kv.setRemove(t.slot, approval);
    }
  }

  /** The request made its resource: its place is kept until that resource ends. */
  async made(check: RequestCheck, resource: { kind: string; id: string }): Promise<void> {
    if (!check.approval) return;
    const value = JSON.stringify({ connection: check.connection, ...resource });
    await this.#kv.update(madeKey(check.team, check.approval), () => value);
    // Made: what it took stays taken (a share of the month; its place, until the migration ends).
    await this.#kv.update(takenKey(check.team, check.approval), () => undefined);
  }

  /**
   * Takes a place in `set` (a rule's running migrations: of the workspace, or of one connection) in
   * one atomic bounded add shared by every replica, after letting go of places whose migration has
   * ended (`in`: it has one). A place whose migration cannot be read stays taken (it fails closed).
   */
  async takeSlot(check: RequestCheck, set: string, max: number): Promise<BoundedAdd> {
    const members = await this.#kv.setMembers(set);
    if (members.length >= max) await this.#prune(check.team, set, members);
    return this.#kv.setAddBounded(set, check.approval ?? 'unknown', max);
  }

  /** Places taken now: approved requests not yet made, and made migrations not yet ended. */
  async slotsTaken(set: string): Promise<number> {
    return this.#kv.setSize(set);
  }

  async #prune(team: string, set: string, members: string[]): Promise<void> {
    for (const approval of members.slice(0, 100)) {
      const raw = await this.#kv.get(madeKey(team, approval));
      if (!raw) continue;
      try {
        const made = JSON.parse(raw) as { connection: string; kind: string; id: string };
        const connection = this.#core.connections.get(team, made.connection);
        const provider = this.#core.connections.provider(connection, 'background');
        const resource = await provider.get(made.kind as never, made.id);
        if (!TERMINAL_STATES.has(resource.state)) continue;
      } catch (error) {
        const gone = error instanceof AppError && error.code === ErrorCode.NotFound;
        if (!gone) {
          this.#core.logger.warn({ err: error, approval }, 'guardrails: a running migration not read');
          continue;
        }
      }
      await this.#kv.setRemove(set, approval);
      await this.#kv.update(madeKey(team, approval), () => undefined);
    }
  }
}
