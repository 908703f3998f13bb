import type { GateOutcome, Needs, Refusal, RequestCheck } from '../../approvals/request-gate.js';
import { SKIP } from '../../store/atomic-kv.js';
import type { CapabilityCore } from '../capability.js';
import { evaluate, measured, type RuleResult } from './evaluate.js';
import { type Rule, ruleSchema, type SourcedRule } from './rules.js';

const MAX_SLACK_RULES = 50;
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
  outcome: string;
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

  constructor(core: CapabilityCore) {
    this.#core = core;
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
    const m = measured(check, this.#region(check));
    return (await this.rulesFor(check.team)).map((r) => evaluate(r, check, m));
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
    const m = measured(check, this.#region(check));
    const results = rules.map((r) => evaluate(r, check, m)).filter((r) => r.applies);
    const taken: (() => Promise<void>)[] = [];
    const release = async () => {
      for (const give of taken.splice(0)) await give();
    };
    let refused = results.find((r) => r.refusal) ?? (await this.#outsideGroup(check, results));
    for (const r of refused ? [] : results) {
      if (!r.quota) continue;
      const over = await this.#count(check, r, taken);
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
    return { ...(needs ? { needs } : {}), release };
  }

  /**
   * The workspace's monthly TiB: read at the request, taken at the approval in one compare-and-set
   * shared by every replica (two approvals racing for the last TiB never both get it). A count or
   * size that cannot be read refuses (fails closed). Undefined: within the quota.
   */
  async #count(
    check: RequestCheck,
    r: RuleResult,
    taken: (() => Promise<void>)[],
  ): Promise<RuleResult['refusal']> {
    const { tibPerMonth, bytes } = r.quota!;
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
      taken.push(async () => {
        await this.#core.state
          .update(key, (current) => String(Math.max((Number(current ?? 0) || 0) - bytes, 0)))
          .catch((error: unknown) =>
            this.#core.logger.error({ err: error }, 'guardrails: quota not given back'),
          );
      });
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
    const exception =
      source?.rule.exception ??
      (source?.source === 'slack' ? 'a workspace admin' : 'the owners of the connections file');
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
        ? `refused (${r.refusal.key.replace('guardrail.refused.', '')})`
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
      const last: LastMatch = {
        at,
        stage: check.stage,
        outcome,
        ...(check.approval ? { approval: check.approval } : {}),
      };
      await this.#core.state
        .update(lastKey(check.team, id), () => JSON.stringify(last))
        .catch(() => undefined);
    }
  }
}
