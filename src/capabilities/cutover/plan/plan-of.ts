import type { CapabilityCore } from '../../../contract/capability.js';
import type { ResourceKind } from '../../../domain/migration-resource.js';
import { InvalidInputError } from '../../../errors.js';
import { code } from '../../../slack/blocks/mrkdwn.js';
import { CapabilityPosts } from '../../../watcher/outbox/capability-posts.js';
import { CUTOVER_WORDS } from '../words.js';

/**
 * The fact plans write on each of their migrations' watches (`{ id, name, wave }`) and the name of
 * their card's post: what plans expose to other capabilities. Cut-over reads a plan through these
 * (the seam), never through plans' code, so the two folders stay apart.
 */
export const PLAN_FACT = 'plans';
/** A plan's id as plans spell it; such a word names a plan, never a migration. */
const PLAN_ID = /^p[0-9a-f]{6}$/i;
/** The most migrations one plan holds (plans' own bound): what one plan-wide ask walks. */
export const PLAN_MAX_MEMBERS = 200;

export interface PlanMember {
  connection: string;
  kind: ResourceKind;
  id: string;
  wave: number;
}

export interface PlanSeen {
  id: string;
  name: string;
  /** Where the plan's card is (else the first channel its migrations are watched in). */
  channel: string;
  members: PlanMember[];
}

interface PlanFactShape {
  id?: unknown;
  name?: unknown;
  wave?: unknown;
}

/**
 * The plan a word names in this workspace (its id or its name, any case), from its migrations'
 * watches; undefined when none does. A word shaped like a plan id that no plan of this workspace
 * has is refused: it is another workspace's plan, or none.
 */
export async function planOf(
  core: CapabilityCore,
  teamId: string,
  typed: string,
): Promise<PlanSeen | undefined> {
  const word = typed.toLowerCase();
  const members = new Map<string, PlanMember>();
  let seen: Omit<PlanSeen, 'members'> | undefined;
  for (const record of await core.watcher.list(teamId)) {
    const f = record.facts?.[PLAN_FACT] as PlanFactShape | undefined;
    if (typeof f?.id !== 'string' || typeof f.name !== 'string') continue;
    if (f.id.toLowerCase() !== word && f.name.toLowerCase() !== word) continue;
    if (seen && seen.id !== f.id) continue;
    seen ??= { id: f.id, name: f.name, channel: record.watch.channelId };
    const { connection, kind, id } = record.watch;
    const key = `${connection}/${kind}/${id}`;
    if (!members.has(key) && members.size < PLAN_MAX_MEMBERS)
      members.set(key, { connection, kind, id, wave: typeof f.wave === 'number' ? f.wave : 1 });
  }
  if (!seen) {
    if (PLAN_ID.test(typed))
      throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.plan.refused.unknown', { plan: code(typed) });
    return undefined;
  }
  const card = await new CapabilityPosts(core.watcher).where(teamId, PLAN_FACT, seen.id);
  const list = [...members.values()].sort((a, b) => a.wave - b.wave || a.id.localeCompare(b.id));
  return { ...seen, channel: card?.channel ?? seen.channel, members: list };
}
