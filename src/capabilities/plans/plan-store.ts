import { randomBytes } from 'node:crypto';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import { isOpen, MAX_PLANS, type Plan } from './plan-types.js';

/**
 * The plans of every workspace, in the bot's store: one record per plan (changed only by
 * compare-and-set), its workspace's set of ids, its name, the set of open plans the gate job
 * walks, and per resource the one open plan that holds it.
 */
export class PlanStore {
  readonly #kv: AtomicKv;
  readonly #p: string;

  constructor(kv: AtomicKv, prefix = '') {
    this.#kv = kv;
    this.#p = `${prefix}plans:`;
  }

  #plan = (teamId: string, id: string) => `${this.#p}plan:${teamId}:${id}`;
  #team = (teamId: string) => `${this.#p}team:${teamId}`;
  #name = (teamId: string, name: string) => `${this.#p}name:${teamId}:${name.toLowerCase()}`;
  #member = (teamId: string, ref: string) => `${this.#p}member:${teamId}:${ref}`;
  #open = () => `${this.#p}open`;

  /** A new plan, or why not: its name is taken, or the workspace has `MAX_PLANS`. */
  async create(
    base: Omit<Plan, 'id' | 'status' | 'resources' | 'waves'>,
  ): Promise<Plan | 'name-taken' | 'full'> {
    const id = `p${randomBytes(3).toString('hex')}`;
    const named = await this.#kv.update(this.#name(base.teamId, base.name), (current) => current ?? id);
    if (named !== id) return 'name-taken';
    const added = await this.#kv.setAddBounded(this.#team(base.teamId), id, MAX_PLANS);
    if (!added.added) {
      await this.#kv.update(this.#name(base.teamId, base.name), (c) => (c === id ? undefined : SKIP));
      return 'full';
    }
    const plan: Plan = { ...base, id, status: 'draft', resources: [], waves: {} };
    await this.#kv.update(this.#plan(base.teamId, id), () => JSON.stringify(plan));
    await this.#kv.setAdd(this.#open(), `${base.teamId}:${id}`);
    return plan;
  }

  async get(teamId: string, id: string): Promise<Plan | undefined> {
    const raw = await this.#kv.get(this.#plan(teamId, id));
    return raw ? (JSON.parse(raw) as Plan) : undefined;
  }

  /** A plan by its id (`p1a2b3c`) or its name, as typed. */
  async find(teamId: string, typed: string): Promise<Plan | undefined> {
    if (/^p[0-9a-f]{6}$/i.test(typed)) {
      const byId = await this.get(teamId, typed.toLowerCase());
      if (byId) return byId;
    }
    const id = await this.#kv.get(this.#name(teamId, typed));
    return id ? this.get(teamId, id) : undefined;
  }

  async list(teamId: string): Promise<Plan[]> {
    const ids = (await this.#kv.setMembers(this.#team(teamId))).sort();
    const raws = await this.#kv.getMany(ids.map((id) => this.#plan(teamId, id)));
    return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as Plan] : []));
  }

  /** Every open plan of every workspace (the gate job's walk). */
  async open(): Promise<{ teamId: string; id: string }[]> {
    return (await this.#kv.setMembers(this.#open())).map((m) => {
      const at = m.lastIndexOf(':');
      return { teamId: m.slice(0, at), id: m.slice(at + 1) };
    });
  }

  /**
   * Changes a plan by compare-and-set: `fn` gets the plan as it is now (it may run more than once)
   * and returns it changed, or SKIP. Resolves with the plan as written, or undefined when skipped.
   */
  async change(
    teamId: string,
    id: string,
    fn: (plan: Plan) => Plan | typeof SKIP,
  ): Promise<Plan | undefined> {
    let wrote = false;
    const raw = await this.#kv.update(this.#plan(teamId, id), (current) => {
      wrote = false;
      if (!current) return SKIP;
      const next = fn(JSON.parse(current) as Plan);
      if (next === SKIP) return SKIP;
      wrote = true;
      return JSON.stringify(next);
    });
    if (!wrote || !raw) return undefined;
    const plan = JSON.parse(raw) as Plan;
    if (!isOpen(plan)) await this.#kv.setRemove(this.#open(), `${teamId}:${id}`);
    return plan;
  }

  /**
   * Marks each of `refs` as held by plan `id`, all or none: a resource another open plan holds is
   * refused (its plan's id is returned), and what this call marked is let go again.
   */
  async hold(
    teamId: string,
    id: string,
    refs: readonly string[],
  ): Promise<{ ref: string; plan: string } | undefined> {
    const marked: string[] = [];
    for (const ref of refs) {
      const key = this.#member(teamId, ref);
      const holder = await this.#kv.get(key);
      const other = holder && holder !== id ? await this.get(teamId, holder) : undefined;
      if (other && isOpen(other)) {
        await this.release(teamId, id, marked);
        return { ref, plan: other.id };
      }
      const now = await this.#kv.update(key, (current) => (current === holder ? id : SKIP));
      if (now !== id) {
        await this.release(teamId, id, marked);
        return { ref, plan: now ?? '?' };
      }
      if (holder !== id) marked.push(ref);
    }
    return undefined;
  }

  /** Lets go of `refs` where plan `id` holds them. */
  async release(teamId: string, id: string, refs: readonly string[]): Promise<void> {
    for (const ref of refs)
      await this.#kv.update(this.#member(teamId, ref), (current) => (current === id ? undefined : SKIP));
  }

  /** Everything kept about a workspace's plans. */
  async forget(teamId: string): Promise<void> {
    for (const plan of await this.list(teamId)) {
      await this.release(
        teamId,
        plan.id,
        plan.resources.map((r) => `${r.connection}/${r.kind}/${r.id}`),
      );
      await this.#kv.update(this.#name(teamId, plan.name), () => undefined);
      await this.#kv.update(this.#plan(teamId, plan.id), () => undefined);
      await this.#kv.setRemove(this.#open(), `${teamId}:${plan.id}`);
      await this.#kv.setRemove(this.#team(teamId), plan.id);
    }
  }
}
