import { describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { messageText } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { addSmallBucket, guardedReplicas, guardSuffix } from './guardrails-rig.js';
import { guardedRequests } from './guardrails-world.js';

// Attacks on the guardrails, through signed requests on two replicas sharing one Redis: a rule
// that tightens a request already waiting for its approval must hold at that approval.
const { suffix, low } = guardSuffix();
const TEAM = `T0GX${suffix}`;
const CHANNEL = 'C0GUARDX1';
const ADMIN = 'U0ALICE01';
const OPERATOR = 'U0GXOPER1';
const APPROVER = 'U0GXAPPR1';
const SECOND = 'U0GXAPPR2';
const C = { late: `gx-l-${low}` };
const BASE = Date.parse('2026-11-25T09:00:00Z');
const TIB = 2 ** 40;

const POLICIES = `policies:
  - id: file-residency
    scope: { connections: [${C.late}] }
    regions: { allow: [cn-north-4] }
`;

const { a, b, ixA, ixB } = guardedReplicas({
  env: 'GX',
  team: TEAM,
  suffix,
  names: Object.values(C),
  policies: POLICIES,
  base: BASE,
  operator: OPERATOR,
  approvers: [APPROVER, SECOND],
  eagerCards: true,
  ready: addSmallBucket,
});

const { posted, press } = guardedRequests({
  team: TEAM,
  channel: CHANNEL,
  requester: OPERATOR,
  tag: 'gx',
  name: 'more',
  source: { bucket: 'gm-bucket', prefix: 'small/', objects: 10 },
  a,
  ixA,
  ixB,
});

describe('a rule added while a request waits for its approval', () => {
  it('asks the approval for as many approvers as the rule says now', async () => {
    const first = await posted(C.late, { tib: 50 });
    expect(first.record.needs).toBeUndefined();
    const admin = { teamId: TEAM, userId: ADMIN };
    const added = await a.ask(
      `policy add two-late-${low} approvers=2 above=40TiB connections=${C.late}`,
      admin,
    );
    expect(messageText(added)).toContain(`two-late-${low}`);
    const said = await press(b, first.posted, APPROVER);
    expect(said).toMatch(/1 of 2/);
    expect((await approvalsOf(a.bot.deps).records.get(TEAM, first.record.id))?.status).toBe('pending');
    expect(a.oms.tasks.size).toBe(0);
    // The second approver, someone else, decides it.
    await press(a, first.posted, SECOND);
    await until(async () => a.oms.tasks.size === 1, { what: 'the migration created at the 2nd approval' });
    expect((await approvalsOf(a.bot.deps).records.get(TEAM, first.record.id))?.votes?.length).toBe(2);
  });
});

describe('a change-ticket pattern from Slack', () => {
  it('refuses one that backtracks for ever on a typed name, and keeps CHG-\\d+', async () => {
    const admin = { teamId: TEAM, userId: ADMIN };
    const evil = await a.ask(`policy add redos-${low} ticket=(a+)+$ connections=${C.late}`, admin);
    expect(messageText(evil)).toContain('must be a simple pattern');
    const list = messageText(await a.ask('policy list', admin));
    expect(list).not.toContain(`redos-${low}`);
    const fine = await a.ask(`policy add chg-${low} ticket=CHG-\\d+ connections=${C.late}`, admin);
    expect(messageText(fine)).not.toContain('must be');
    expect(messageText(await a.ask('policy list', admin))).toContain(`chg-${low}`);
  });
});

describe('a freeze and a person resuming a paused migration', () => {
  it('refuses the resume by command, naming the rule, and resumes once the freeze is lifted', async () => {
    const admin = { teamId: TEAM, userId: ADMIN, channelId: CHANNEL };
    const operator = { teamId: TEAM, userId: OPERATOR, channelId: CHANNEL };
    const task = a.oms.addTask({ name: `paused-${low}`, status: 3, progress: 0.2, totalSize: TIB }).id;
    const freeze = `policy add ice-${low} freeze=2026-11-25T00:00..2026-11-26T00:00@UTC connections=${C.late}`;
    expect(messageText(await a.ask(freeze, admin))).toContain('Added guardrail');
    const refused = messageText(await b.ask(`resume ${C.late}:${task}`, operator));
    expect(refused).toContain(`ice-${low}`);
    expect(refused).toMatch(/frozen/);
    expect(a.oms.task(task)?.status).toBe(3);
    const audit = await a.bot.deps.audit.recent(TEAM, 200);
    expect(
      audit.some((e) => e.action === 'resume' && e.target?.endsWith(task) && e.result === 'refused'),
    ).toBe(true);
    expect(messageText(await a.ask(`policy remove ice-${low}`, admin))).not.toMatch(/No guardrail/);
    expect(messageText(await b.ask(`resume ${C.late}:${task}`, operator))).not.toContain(`ice-${low}`);
    expect(a.oms.task(task)?.status).not.toBe(3);
  });
});
