import type { CoreApprovals } from '../../contract/create-form.js';
import type { GateOutcome } from '../../contract/gate.js';
import type { GateSeam } from '../../contract/started.js';
import { InvalidInputError } from '../../errors.js';
import type { StartedList } from './started-list.js';

/**
 * Every capability's say on a request: the first refusal wins (what the others took is given
 * back), and the most approvers any asks for.
 */
export function collectGate(list: StartedList): GateSeam {
  const gates = () => list.each('gate').map((g) => g.part);
  const approvals = (): CoreApprovals => {
    const offered = gates().find((g) => g.approvals)?.approvals;
    // Left out (a configuration without the approvals): the requester is told, as a refusal.
    if (!offered) throw InvalidInputError.of('error.createNotOffered');
    return offered;
  };
  return {
    async check(check) {
      const outcomes: GateOutcome[] = [];
      const release = async () => {
        for (const o of outcomes) await o.release();
      };
      for (const gate of gates()) {
        const outcome = await gate.check?.(check).catch(async (error: unknown) => {
          await release();
          throw error;
        });
        if (!outcome) continue;
        if (outcome.refusal) {
          await release();
          return { refusal: outcome.refusal, release: outcome.release };
        }
        outcomes.push(outcome);
      }
      const needs = outcomes
        .map((o) => o.needs)
        .filter((n) => n !== undefined)
        .sort((a, b) => b.approvers - a.approvers)[0];
      const said = outcomes.find((o) => o.said)?.said;
      const ticket = outcomes.find((o) => o.ticket)?.ticket;
      return {
        ...(needs ? { needs } : {}),
        ...(ticket ? { ticket } : {}),
        ...(said ? { said } : {}),
        release,
      };
    },
    // One that fails is passed over; the others are told.
    async settled(check, how) {
      for (const gate of gates()) await gate.settled?.(check, how).catch(() => undefined);
    },
    async precheck(check) {
      for (const gate of gates()) {
        const refusal = await gate.precheck?.(check);
        if (refusal) return refusal;
      }
      return undefined;
    },
    async explain(check, tr) {
      const lines: string[] = [];
      for (const gate of gates()) lines.push(...((await gate.explain?.(check, tr)) ?? []));
      return lines;
    },
    approvals,
  };
}

/** `approvals()` asked at each call, so a capability started before the approvals may hold it. */
export function lateApprovals(gate: Pick<GateSeam, 'approvals'>): CoreApprovals {
  return {
    request: (input) => gate.approvals().request(input),
    admitApproved: (record) => gate.approvals().admitApproved(record),
    startDue: () => gate.approvals().startDue(),
    find: (team, id) => gate.approvals().find(team, id),
    withdraw: (team, id, by) => gate.approvals().withdraw(team, id, by),
    pendingCount: () => gate.approvals().pendingCount(),
  };
}
