import { WORKSPACE } from '../../access/policy.js';
import type { RequestCheck } from '../../contract/gate.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand, formWord, type SubcommandForm } from '../../contract/subcommand.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import type { RuleResult } from './evaluate.js';
import type { Guardrails } from './guardrails.js';
import { lastMatchWords, ruleWords } from './rule-words.js';
import { bytesOf, exceptionOf, type Rule, ruleSchema, type SourcedRule } from './rules.js';
import { GUARDRAIL_WORDS, type GuardrailKey } from './words.js';

type PolicyInput =
  | { op: 'list' }
  | { op: 'test'; connection: string; values: Record<string, string> }
  | { op: 'add'; raw: Record<string, unknown> }
  | { op: 'remove'; id: string };

const FORMS: readonly SubcommandForm[] = [
  { words: ['list', ''], usage: '/migrate policy list' },
  {
    words: ['test'],
    usage: '/migrate policy test <connection> [region=…] [size=40TiB] [source=bucket/prefix] [name=…]',
  },
  { words: ['add'], usage: '/migrate policy add <id> <key>=<value>… [exception=<who to ask>]' },
  { words: ['remove', 'delete'], usage: '/migrate policy remove <id>' },
];

const list = (v: string) => v.split(',').filter(Boolean);
/** `/migrate policy add` words → the file's rule shape (validated by the same schema). */
// biome-ignore lint/suspicious/noExplicitAny: a draft, checked by `ruleSchema` before it is used
type Draft = Record<string, any>;
const ADD_KEYS: Record<string, (raw: Draft, v: string) => void> = {
  regions: (r, v) => (r.regions = { ...r.regions, allow: list(v) }),
  'deny-regions': (r, v) => (r.regions = { ...r.regions, deny: list(v) }),
  providers: (r, v) => (r.providers = { ...r.providers, allow: list(v) }),
  'deny-providers': (r, v) => (r.providers = { ...r.providers, deny: list(v) }),
  'source-buckets': (r, v) => (r.sourceBuckets = { ...r.sourceBuckets, allow: list(v) }),
  'deny-source-buckets': (r, v) => (r.sourceBuckets = { ...r.sourceBuckets, deny: list(v) }),
  'destination-buckets': (r, v) => (r.destinationBuckets = { ...r.destinationBuckets, allow: list(v) }),
  'deny-destination-buckets': (r, v) => (r.destinationBuckets = { ...r.destinationBuckets, deny: list(v) }),
  overwrite: (r, v) => (r.overwrite = list(v)),
  'max-mibps': (r, v) => (r.maxBandwidthMiBps = Number(v)),
  'must-have-window': (r, v) => (r.mustHaveWindow = v === 'yes'),
  'must-have-start-time': (r, v) => (r.mustHaveStartTime = v === 'yes'),
  approvers: (r, v) => (r.approvals = { ...r.approvals, approvers: Number(v) }),
  above: (r, v) => (r.approvals = { ...r.approvals, above: { ...r.approvals?.above, size: v } }),
  'above-objects': (r, v) =>
    (r.approvals = { ...r.approvals, above: { ...r.approvals?.above, objects: Number(v) } }),
  'above-usd': (r, v) =>
    (r.approvals = { ...r.approvals, above: { ...r.approvals?.above, egressUsd: Number(v) } }),
  ticket: (r, v) => (r.ticket = v),
  'tib-per-month': (r, v) => (r.quota = { ...r.quota, tibPerMonth: Number(v) }),
  concurrent: (r, v) => (r.quota = { ...r.quota, concurrentPerConnection: Number(v) }),
  freeze: (r, v) => {
    const m = /^(\S+?)\.\.(\S+?)@(\S+)$/.exec(v);
    if (!m) throw InvalidInputError.in(GUARDRAIL_WORDS, 'policy.error.freeze');
    r.freeze = [...(r.freeze ?? []), { from: m[1], to: m[2], zone: m[3] }];
  },
  connections: (r, v) => (r.scope = { ...r.scope, connections: list(v) }),
  channels: (r, v) =>
    (r.scope = { ...r.scope, channels: list(v).map((c) => c.replace(/^<#([A-Z0-9]+)(\|[^>]*)?>$/, '$1')) }),
};

function usage(): never {
  throw InvalidInputError.in(GUARDRAIL_WORDS, 'policy.error.usage');
}

export function parsePolicy(args: readonly string[]): PolicyInput {
  const [word, ...rest] = args;
  const form = formWord(FORMS, word);
  if (form === 'list') return { op: 'list' };
  if (form === 'remove') {
    if (rest.length !== 1) usage();
    return { op: 'remove', id: rest[0]!.toLowerCase() };
  }
  if (form === 'test') {
    const [connection, ...pairs] = rest;
    if (!connection) usage();
    const values: Record<string, string> = {};
    for (const pair of pairs) {
      const at = pair.indexOf('=');
      if (at <= 0) usage();
      values[pair.slice(0, at).toLowerCase()] = pair.slice(at + 1);
    }
    return { op: 'test', connection, values };
  }
  if (form !== 'add') usage();
  const [id, ...pairs] = rest;
  if (!id || pairs.length === 0) usage();
  const raw: Record<string, unknown> = { id: id.toLowerCase() };
  for (let i = 0; i < pairs.length; i++) {
    const at = pairs[i]!.indexOf('=');
    if (at <= 0) usage();
    const key = pairs[i]!.slice(0, at).toLowerCase();
    const value = pairs[i]!.slice(at + 1);
    if (key === 'exception') {
      raw.exception = [value, ...pairs.slice(i + 1)].join(' ').slice(0, 200);
      break;
    }
    const put = ADD_KEYS[key];
    if (!put) throw InvalidInputError.in(GUARDRAIL_WORDS, 'policy.error.key', { key: key.slice(0, 40) });
    put(raw, value);
  }
  return { op: 'add', raw };
}

function sourceWords(r: SourcedRule, tr: Translator): string {
  return r.source === 'file'
    ? tr.with(GUARDRAIL_WORDS).t('policy.source.file')
    : tr.with(GUARDRAIL_WORDS).t('policy.source.slack', { user: `<@${r.by}>` });
}

/** One line per rule: does it apply, and what it says of these values. */
export function explainLines(results: RuleResult[], tr: Translator): string[] {
  const own = tr.with(GUARDRAIL_WORDS);
  if (results.length === 0) return [own.t('policy.none')];
  return results.map((r) => {
    const head = `• ${code(r.source.rule.id)} (${sourceWords(r.source, tr)}): `;
    if (!r.applies) return head + own.t('policy.test.notHere');
    if (r.refusal) {
      const values = Object.fromEntries(
        Object.entries({
          ...r.refusal.values,
          rule: r.source.rule.id,
          exception: exceptionOf(r.source),
        }).map(([k, v]) => [k, typeof v === 'string' && !/^_(admin|file)$/.test(v) ? escapeMrkdwn(v) : v]),
      );
      return head + own.t(r.refusal.key as GuardrailKey, values);
    }
    if (r.approvers)
      return (
        head +
        own.t(r.unmeasured ? 'policy.test.approversUnmeasured' : 'policy.test.approvers', { n: r.approvers })
      );
    return head + own.t('policy.test.passes');
  });
}

function testCheck(ctx: HandlerContext, connection: string, v: Record<string, string>): RequestCheck {
  const c = ctx.deps.connections.get(ctx.teamId, connection);
  const [sourceBucket, ...sp] = (v.source ?? '').split('/');
  const [destinationBucket, ...dp] = (v.destination ?? '').split('/');
  const bytes = v.size ? bytesOf(v.size) : undefined;
  return {
    stage: 'request',
    team: ctx.teamId,
    requester: ctx.userId,
    channel: ctx.channelId ?? '',
    connection: c.name,
    provider: c.provider,
    kind: 'task',
    facts: {
      ...(v.region ? { destinationRegion: v.region } : {}),
      ...(sourceBucket ? { sourceBucket, ...(sp.length ? { sourcePrefix: sp.join('/') } : {}) } : {}),
      ...(destinationBucket
        ? { destinationBucket, ...(dp.length ? { destinationPrefix: dp.join('/') } : {}) }
        : {}),
      ...(v.overwrite ? { overwrite: v.overwrite } : {}),
      ...(v.name ? { name: v.name } : {}),
    },
    preflight: {
      warnings: [],
      deadlineMs: 1,
      ...(bytes !== undefined
        ? { size: { basis: 'listed', bytes, objects: Number(v.objects ?? 0), prefixes: 0 } }
        : {}),
      ...(v.bandwidth ? { bandwidth: Number(v.bandwidth) * 2 ** 20 } : {}),
    },
    ...(v.start ? { startAt: v.start } : {}),
    now: ctx.deps.clock.now(),
  };
}

export function policyCommand(state: (ctx: HandlerContext) => Guardrails) {
  return defineSubcommand<PolicyInput>({
    name: 'policy',
    needs: 'view',
    usage: '/migrate policy list | test | add | remove',
    forms: FORMS,
    summary: GUARDRAIL_WORDS.en['help.summary.policy'],
    words: GUARDRAIL_WORDS,
    example: (facts) =>
      `/migrate policy test ${facts.connection() ?? '<connection>'} region=eu-west-101 size=40TiB`,
    related: ['settings', 'access'],
    parse: (args) => parsePolicy(args),
    async run(ctx, input) {
      const g = state(ctx);
      const tr = await ctx.translator('person');
      if (input.op === 'list' || input.op === 'test') {
        await ctx.require('view', WORKSPACE, 'read the guardrails');
        if (input.op === 'test') {
          const results = await g.explain(testCheck(ctx, input.connection, input.values));
          const head = tr.t('policy.test.header', { connection: code(input.connection) });
          await ctx.reply({ text: truncate([head, ...explainLines(results, tr)].join('\n'), 3000) });
          return;
        }
        const rules = await g.rulesFor(ctx.teamId);
        const lines = await Promise.all(
          rules.map(async (r) => {
            const last = await g.lastMatch(ctx.teamId, r.rule.id);
            const matched = last ? lastMatchWords(last, tr) : tr.with(GUARDRAIL_WORDS).t('policy.list.never');
            return `• ${code(r.rule.id)} (${sourceWords(r, tr)}): ${ruleWords(r.rule, tr)}\n   ${matched}`;
          }),
        );
        const text =
          rules.length === 0
            ? tr.with(GUARDRAIL_WORDS).t('policy.none')
            : [tr.with(GUARDRAIL_WORDS).t('policy.list.header'), ...lines].join('\n');
        await ctx.reply({ text: truncate(text, 3000) });
        return;
      }
      await ctx.require('manage', WORKSPACE, 'change the guardrails');
      if (input.op === 'remove') {
        const said = await ctx.audited('policy.remove', `policy:${input.id}`, () =>
          g.removeSlackRule(ctx.teamId, input.id),
        );
        await ctx.reply({
          text: tr.with(GUARDRAIL_WORDS).t(`policy.remove.${said}`, { id: code(input.id) }),
        });
        return;
      }
      const parsed = ruleSchema.safeParse(input.raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw InvalidInputError.in(GUARDRAIL_WORDS, 'policy.error.rule', {
          where: issue.path.join('.').slice(0, 60) || 'rule',
          problem: issue.message.slice(0, 120),
        });
      }
      // A Slack rule is the workspace's: whatever it says, it applies here only.
      const rule: Rule = { ...parsed.data, scope: { ...parsed.data.scope, workspaces: [ctx.teamId] } };
      const said = await ctx.audited('policy.add', `policy:${rule.id}`, () =>
        g.addSlackRule(ctx.teamId, rule, ctx.userId),
      );
      await ctx.reply({
        text: tr
          .with(GUARDRAIL_WORDS)
          .t(`policy.add.${said}`, { id: code(rule.id), rule: ruleWords(rule, tr) }),
      });
    },
  });
}
