import { CHANNEL, TEAM } from '../../../../dev/playground/people.js';
import type { NewRequest } from '../../../../src/capabilities/approvals/approval-types.js';
import { approvalsOf } from '../../../../src/capabilities/approvals/approvals-state.js';
import type { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';

type Screens = ReturnType<typeof usePlaygroundScreens>;
const TIB = 2 ** 40;

/** The task's S3 region, bucket and prefixes, and its OBS bucket in cn-north-4. */
type Route = readonly [string, string, readonly string[], string];

/**
 * Alice asks for an OMS prefix task on hw-sim in the channel, straight of the approvals (no form),
 * saying what it is for (`description`; OMS names it itself). `extra`: more of the provider's
 * request (a bandwidth cap, say); `ask`: the op and what else the approvals take (an impact, a
 * pre-flight made already, a start time).
 */
export function askForTask(
  screen: Screens,
  [region, bucket, prefixes, to]: Route,
  description: string,
  ask: Omit<NewRequest, 'team' | 'requester' | 'channel' | 'connection' | 'kind' | 'request'>,
  extra: Record<string, unknown> = {},
) {
  return approvalsOf(screen.playground.bot.deps).request({
    team: TEAM.id,
    requester: 'U0ALICE01',
    channel: CHANNEL.id,
    connection: 'hw-sim',
    kind: 'task',
    request: {
      task_type: 'prefix',
      src_node: { cloud_type: 'AWS', region, bucket, object_key: [...prefixes] },
      dst_node: { region: 'cn-north-4', bucket: to },
      ...extra,
      description,
    },
    ...ask,
  });
}

/**
 * 40 TiB of acme-video's 2025/ clips, measured by a pre-flight made already: above the 10 TiB a
 * two-approver rule (`bigTransfer`) asks two approvals for.
 */
export function askForVideoArchive(screen: Screens, description: string, op: string) {
  return askForTask(screen, ['us-west-2', 'acme-video', ['2025/'], 'acme-video-obs'], description, {
    preflight: {
      size: { basis: 'listed', objects: 3_000, bytes: 40 * TIB, prefixes: 1 },
      warnings: [],
      deadlineMs: 5000,
    },
    op,
  });
}

/** The rule that asks two approvers for more than 10 TiB, within `scope`. */
export function bigTransfer(scope: Record<string, unknown>) {
  return { id: 'big-transfer', approvals: { approvers: 2, above: { size: 10 * TIB } }, scope };
}

/** Adds the guardrail `rules`, as Dana would in Slack. */
export async function addRules(screen: Screens, ...rules: readonly unknown[]): Promise<void> {
  const guardrails = screen.playground.bot.deps.capabilities.stateOf('guardrails') as {
    addSlackRule(team: string, rule: unknown, by: string): Promise<string>;
  };
  for (const rule of rules) await guardrails.addSlackRule(TEAM.id, rule, 'U0DANA001');
}
