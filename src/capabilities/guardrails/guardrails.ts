import { randomBytes } from 'node:crypto';
import type { CapabilityCore } from '../../contract/capability.js';
import type { GateOutcome, Needs, Refusal, RequestCheck, RequestSettled } from '../../contract/gate.js';
import { SKIP } from '../../store/atomic-kv.js';
import { windowAt } from '../../time/zoned-time.js';
import { timesOf } from '../windows/window-edges.js';
import { WindowStore } from '../windows/window-store.js';
import { evaluate, type Measured, measured, type RuleResult, startInstant } from './evaluate.js';
import { connectionSlotsKey, Holds, slotsKey } from './holds.js';
import { exceptionOf, type Rule, ruleSchema, type SourcedRule } from './rules.js';

const MAX_SLACK_RULES = 50;
/** A refusal's reason in the audit and the last match: `region` for `guardrail.refused.regionAllowed`. */
const reasonOf = (key: string) => key.replace('guardrail.refused.', '').replace(/Allowed$/, '');
/** Refusals a create form's values alone decide (no pre-flight, no count): said at the form's field. */
const FORM_REASONS = new Set([
  'freeze',
  'region',
  'provider',
  'sourceBucket',
  'destinationBucket',
  'overwrite',
  'ticket',
  'startTime',
]);
const TIB = 2 ** 40;

function slackRulesKey(team: string): string {
  return `guardrails:rules:${team}`;
}
function quotaKey(team: string, rule: string, now: number): string {
  return `guardrails:tib:${team}:${rule}:${new Date(now).toISOString().slice(0, 7)}`;
}
function lastKey(team: string, rule: string): string {
  return `guardrails:last:${team}:${rule}`;
}

/** What `/migrate policy list` says a rule matched last. */
export interface LastMatch {
  at: string;
  stage: string;
  /** In English, as entries stored before `result` were (shown when `result` is absent). */
  outcome: string;
  /** What the rule said, for the reader's words: the refusal's reason, or the approvers asked. */
  result?: 'refused' | 'needs' | 'passed';
  reason?: string;
  approvers?: number;
  approval?: string;
}

/**
 * The guardrails of a running bot: the file's rules (replaced as a whole on SIGHUP) and each
 * workspace's rules added from Slack (in the shared store), checked together: every rule in scope
 * must pass, so a rule from Slack can only add a restriction.
 */
export class Guardrails {
  fileRules: readonly Rule[] = [];
  readonly #core: CapabilityCore;
  readonly #holds: Holds;
  readonly #windows: WindowStore;

  constructor(core: CapabilityCore) {
    this.#core = core;
    this.#holds = new Holds(core);
    this.#windows = new WindowStore(core.state);
  }

  /** A workspace's rules from Slack; an unreadable store is an error (the check fails closed). */
  async slackRules(team: string): Promise<SourcedRule[]> {
    const raw = await this.#core.state.get(slackRulesKey(team));
    if (!raw) return [];
    const list = JSON.parse(raw) as { rule: unknown; by: string; at: string }[];
    return list.map((r) => ({ rule: ruleSchema.parse(r.rule), source: 'slack', by: r.by, at: r.at }));
  }

  async rulesFor(team: string): Promise<SourcedRule[]> {
    const file = this.fileRules.map((rule): SourcedRule => ({ rule, source: 'file' }));
    return [...file, ...(await this.slackRules(team))];
  }

  /** Adds a Slack rule; false when its id is taken (by the file's or another Slack rule). */
  async addSlackRule(team: string, rule: Rule, by: string): Promise<'added' | 'taken' | 'full'> {
    if (this.fileRules.some((r) => r.id === rule.id)) return 'taken';
    let answer: 'added' | 'taken' | 'full' = 'added';
    const at = new Date(this.#core.clock.now()).toISOString();
    await this.#core.state.update(slackRulesKey(team), (current) => {
      const list = current ? (JSON.parse(current) as { rule: Rule }[]) : [];
      answer = list.some((r) => r.rule.id === rule.id)
        ? 'taken'
        : list.length >= MAX_SLACK_RULES
          ? 'full'
          : 'added';
      return answer === 'added' ? JSON.stringify([...list, { rule, by, at }]) : SKIP;
    });
    return answer;
  }

  /** Removes a Slack rule; 'file' when the id is the file's (which Slack cannot remove). */
  async removeSlackRule(team: string, id: string): Promise<'removed' | 'file' | 'none'> {
    if (this.fileRules.some((r) => r.id === id)) return 'file';
    let removed = false;
    await this.#core.state.update(slackRulesKey(team), (current) => {
      const list = current ? (JSON.parse(current) as { rule: Rule }[]) : [];
      const kept = list.filter((r) => r.rule.id !== id);
      removed = kept.length < list.length;
      return removed ? JSON.stringify(kept) : SKIP;
    });
    return removed ? 'removed' : 'none';
  }

  async lastMatch(team: string, id: string): Promise<LastMatch | undefined> {
    const raw = await this.#core.state.get(lastKey(team, id)).catch(() => undefined);
    return raw ? (JSON.parse(raw) as LastMatch) : undefined;
  }

  /** Every rule's verdict on the request, without counting or recording anything (a dry run). */
  async explain(check: RequestCheck): Promise<RuleResult[]> {
    const rules = await this.rulesFor(check.team);
    const m = measured(check, this.#region(check), await this.#startWindow(check, rules));
    return rules.map((r) => evaluate(r, check, m));
  }

  /**
   * The first refusal the form's values alone decide (a dry run: nothing counted or recorded);
   * refusals that need the pre-flight (sizes, running counts, bandwidth) or the store's counts wait
   * for the request itself.
   */
  async precheck(check: RequestCheck): Promise<Refusal | undefined> {
    const rules = await this.rulesFor(check.team).catch(() => undefined);
    if (!rules) return undefined;
    const m = measured(check, this.#region(check));
    for (const r of rules) {
      const said = evaluate(r, check, m).refusal;
      if (said && FORM_REASONS.has(reasonOf(said.key))) return this.#refusal(r, said.key, said.values);
    }
    return undefined;
  }

  /** An approved request settled: what its approvals took is given back if it failed. */
  async settled(check: RequestCheck, how: RequestSettled): Promise<void> {
    if (!check.approval) return;
    if ('created' in how) await this.#holds.made(check, how.created);
    else await this.#holds.giveBack(check.team, check.approval);
  }

  /** The gate: refuse, require approvers, or allow; each applicable rule's verdict is audited. */
  async check(check: RequestCheck): Promise<GateOutcome> {
    let rules: SourcedRule[];
    try {
      rules = await this.rulesFor(check.team);
    } catch (error) {
      this.#core.logger.error({ err: error }, 'guardrails: the rules could not be read');
      return {
        refusal: this.#refusal(undefined, 'guardrail.refused.unreadable', {}),
        release: async () => {},
      };
    }
    const m = measured(check, this.#region(check), await this.#startWindow(check, rules));
    const results = rules.map((r) => evaluate(r, check, m)).filter((r) => r.applies);
    const token = randomBytes(6).toString('hex');
    const release = async () => {
      if (check.stage !== 'approval' || !check.approval) return;
      await this.#holds
        .giveBack(check.team, check.approval, token)
        .catch((error: unknown) => this.#core.logger.error({ err: error }, 'guardrails: not given back'));
    };
    let refused = results.find((r) => r.refusal) ?? (await this.#outsideGroup(check, results));
    for (const r of refused ? [] : results) {
      if (!r.quota && r.workspaceSlots === undefined && r.connectionSlots === undefined) continue;
      const over =
        (await this.#count(check, r, token)) ??
        (await this.#slot(check, r, token, 'workspace')) ??
        (await this.#slot(check, r, token, 'connection'));
      if (over) {
        r.refusal = over;
        refused = r;
        await release();
        break;
      }
    }
    await this.#record(check, results);
    if (refused?.refusal)
      return { refusal: this.#refusal(refused.source, refused.refusal.key, refused.refusal.values), release };
    const needing = results
      .filter((r) => r.approvers !== undefined)
      .sort((a, b) => (b.approvers ?? 0) - (a.approvers ?? 0))[0];
    const ticket = results.find((r) => r.ticket)?.ticket;
    const needs: Needs | undefined = needing
      ? {
          rule: needing.source.rule.id,
          approvers: needing.approvers ?? 2,
          ...(needing.group ? { group: needing.group } : {}),
          ...(ticket ? { ticket } : {}),
        }
      : undefined;
    // No rule at all in the workspace: nothing to say on the request.
    const said = rules.length > 0 ? { said: this.#said(results, needs) } : {};
    return { ...(needs ? { needs } : {}), ...(ticket ? { ticket } : {}), ...said, release };
  }

  /** The request's pre-flight line: how many rules applied, and what they ask. */
  #said(results: RuleResult[], needs: Needs | undefined): NonNullable<GateOutcome['said']> {
    const rules = results.map((r) => r.source.rule.id).join(', ');
    if (results.length === 0) return { key: 'guardrail.preflight.none', values: {} };
    if (needs) {
      // Asked because a size was not measured: the request says so (a lower bound is no measurement).
      const unmeasured = results.some((r) => r.source.rule.id === needs.rule && r.unmeasured);
      return {
        key: unmeasured ? 'guardrail.preflight.needsUnmeasured' : 'guardrail.preflight.needs',
        values: { n: results.length, rules, approvers: needs.approvers, rule: needs.rule },
      };
    }
    return { key: 'guardrail.preflight.passed', values: { n: results.length, rules } };
  }

  /**
   * A place among the rule's concurrent migrations (of the workspace, or of the request's
   * connection): counted at the request (an early refusal), taken at the approval in one bounded
   * add shared by every replica, so approvals racing on two replicas never pass the limit. A count
   * that cannot be read refuses (fails closed).
   */
  async #slot(
    check: RequestCheck,
    r: RuleResult,
    token: string,
    of: 'workspace' | 'connection',
  ): Promise<RuleResult['refusal']> {
    const max = of === 'workspace' ? r.workspaceSlots : r.connectionSlots;
    if (max === undefined || (check.stage !== 'request' && check.stage !== 'approval')) return undefined;
    const rule = r.source.rule.id;
    const set =
      of === 'workspace'
        ? slotsKey(check.team, rule)
        : connectionSlotsKey(check.team, rule, check.connection);
    const full: NonNullable<RuleResult['refusal']> =
      of === 'workspace'
        ? { key: 'guardrail.refused.concurrentWorkspace', values: { max } }
        : { key: 'guardrail.refused.concurrentApproved', values: { connection: check.connection, max } };
    try {
      if (check.stage === 'request') return (await this.#holds.slotsTaken(set)) >= max ? full : undefined;
      const place = await this.#holds.takeSlot(check, set, max);
      if (!place.in) return full;
      // Another approval of the same request (several approvers) holds it already: not this one's.
      if (place.added) await this.#holds.note(check, { token, slot: set });
      return undefined;
    } catch (error) {
      this.#core.logger.error({ err: error }, 'guardrails: the running count could not be read');
      return of === 'workspace'
        ? { key: 'guardrail.refused.concurrentWorkspaceUnknown', values: {} }
        : { key: 'guardrail.refused.concurrentUnknown', values: { connection: check.connection } };
    }
  }

  /** Inside a traffic window of the connection (or the resource a wave starts) at the start? */
  async #startWindow(check: RequestCheck, rules: SourcedRule[]): Promise<Measured['startWindow']> {
    if (!rules.some((r) => r.rule.mustStartInWindow)) return undefined;
    try {
      const when = startInstant(check);
      const windows = (await this.#windows.list(check.team)).filter(
        (w) =>
          w.action.kind === 'limit' &&
          w.target.connection === check.connection &&
          (w.target.kind === 'connection' ||
            (w.target.kind === 'resource' && w.target.id === check.resource?.id)),
      );
      return windows.some((w) => windowAt(timesOf(w), when).current) ? 'inside' : 'outside';
    } catch (error) {
      this.#core.logger.error({ err: error }, 'guardrails: the windows could not be read');
      return 'unknown';
    }
  }

  /**
   * The workspace's monthly TiB: read at the request, taken at the approval in one compare-and-set
   * shared by every replica (two approvals racing for the last TiB never both get it). A count or
   * size that cannot be read refuses (fails closed). Undefined: within the quota.
   */
  async #count(check: RequestCheck, r: RuleResult, token: string): Promise<RuleResult['refusal']> {
    if (!r.quota) return undefined;
    const { tibPerMonth, bytes } = r.quota;
    const limit = tibPerMonth * TIB;
    const key = quotaKey(check.team, r.source.rule.id, check.now);
    const unknown = { key: 'guardrail.refused.quotaUnknown', values: {} };
    if (bytes === undefined) return unknown;
    const over = (used: number) => ({
      key: 'guardrail.refused.quota',
      values: { used: (used / TIB).toFixed(2), size: (bytes / TIB).toFixed(2), limit: tibPerMonth },
    });
    try {
      if (check.stage === 'request') {
        const used = Number((await this.#core.state.get(key)) ?? 0);
        return used + bytes > limit ? over(used) : undefined;
      }
      if (check.stage !== 'approval') return undefined;
      let used = 0;
      let fits = false;
      await this.#core.state.update(key, (current) => {
        used = Number(current ?? 0) || 0;
        fits = used + bytes <= limit;
        return fits ? String(used + bytes) : SKIP;
      });
      if (!fits) return over(used);
      await this.#holds.note(check, { token, quota: { key, bytes } });
      return undefined;
    } catch (error) {
      this.#core.logger.error({ err: error }, 'guardrails: the quota could not be read');
      return unknown;
    }
  }

  /** At an approval: the first rule whose approvers must be in a user group the approver is not in. */
  async #outsideGroup(check: RequestCheck, results: RuleResult[]): Promise<RuleResult | undefined> {
    if (check.stage !== 'approval' || !check.by) return undefined;
    for (const r of results) {
      if (!r.group) continue;
      const group = `<!subteam^${r.group}>`;
      try {
        if (await this.#core.access.memberOf(check.team, check.by, r.group)) continue;
        r.refusal = { key: 'guardrail.refused.group', values: { group } };
      } catch (error) {
        this.#core.logger.warn({ err: error, usergroup: r.group }, 'guardrails: user group not read');
        r.refusal = { key: 'guardrail.refused.groupUnknown', values: { group } };
      }
      return r;
    }
    return undefined;
  }

  #refusal(source: SourcedRule | undefined, key: string, values: Record<string, string | number>): Refusal {
    const rule = source?.rule.id ?? '*';
    const exception = exceptionOf(source);
    // Raw: whoever shows it escapes it (an error's ephemeral, the request's failure line).
    const shown = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 150) : v]),
    );
    return { rule, key, values: { ...shown, rule, exception } };
  }

  #region(check: RequestCheck): string | undefined {
    try {
      return this.#core.connections.get(check.team, check.connection).region;
    } catch {
      return undefined;
    }
  }

  /** Each applicable rule's verdict in the audit, with its id, and as its last match. */
  async #record(check: RequestCheck, results: RuleResult[]): Promise<void> {
    const at = new Date(check.now).toISOString();
    for (const r of results) {
      const outcome = r.refusal
        ? `refused (${reasonOf(r.refusal.key)})`
        : r.approvers
          ? `needs ${r.approvers} approvers`
          : 'passed';
      const id = r.source.rule.id;
      await this.#core.audit
        .record({
          team: check.team,
          user: check.by ?? check.requester,
          channel: check.channel,
          action: 'policy.check',
          target: check.approval ? `approval:${check.approval}` : `create:${check.connection}`,
          result: r.refusal ? 'refused' : 'ok',
          detail: `rule ${id} (${r.source.source}): ${outcome} at the ${check.stage}`,
          op: 'guardrail',
        })
        .catch((error: unknown) => this.#core.logger.error({ err: error }, 'audit record failed'));
      const reason = r.refusal ? reasonOf(r.refusal.key) : undefined;
      const last: LastMatch = {
        at,
        stage: check.stage,
        outcome,
        result: r.refusal ? 'refused' : r.approvers ? 'needs' : 'passed',
        ...(reason ? { reason } : {}),
        ...(!r.refusal && r.approvers ? { approvers: r.approvers } : {}),
        ...(check.approval ? { approval: check.approval } : {}),
      };
      await this.#core.state
        .update(lastKey(check.team, id), () => JSON.stringify(last))
        .catch(() => undefined);
    }
  }
}
