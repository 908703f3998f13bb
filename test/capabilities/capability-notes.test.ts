import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deltaRuns } from '../../src/capabilities/delta-runs/index.js';
import { type ChainNote, renderChainLine } from '../../src/capabilities/delta-runs/rerun-blocks.js';
import { type EscalationNote, renderEscalation } from '../../src/capabilities/on-call/escalation-posts.js';
import { onCall } from '../../src/capabilities/on-call/index.js';
import { verification } from '../../src/capabilities/verification/index.js';
import { verificationCard } from '../../src/capabilities/verification/verification-card.js';
import { verificationCardLine } from '../../src/capabilities/verification/verification-post.js';
import { translatorFor } from '../../src/i18n/translator.js';
import type { SlackSender } from '../../src/slack/sender.js';
import { SlackWatchDelivery } from '../../src/slack/watch-slack.js';
import { cardFacts } from '../../src/watcher/outbox/notification.js';
import { decodeRecord, encodeRecord } from '../../src/watcher/records/record-codec.js';
import type { OutboxEntry, WatchRecord } from '../../src/watcher/records/watch-store.js';
import { startedForReading } from '../harness/started-capabilities.js';

// The watcher's posts name no capability: an escalation step (an event note on-call's job said)
// and a delta run's chain line (a note delta-runs said) are drawn by their capability's
// `renderNote`, the card's verification sentence by verification's `cardNotice`. Entries an
// earlier build stored as the core's notes are read as those capabilities' and drawn the same.
const OLD: Record<string, string> = JSON.parse(
  readFileSync(new URL('../watcher/fixtures/records-before-compact.json', import.meta.url), 'utf8'),
);
const [key, raw] = Object.entries(OLD)[0]!;
const base = JSON.parse(raw) as WatchRecord;
const TEAM = base.watch.teamId;
const CHANNEL = base.watch.channelId;
const AT = 1_700_000_000_000;

/** A chain line as an earlier build stored it: the core's own `chain` note. */
const CHAIN_BEFORE = {
  kind: 'chain',
  event: 'created',
  n: 2,
  series: 'retry',
  requester: 'U0ALICE01',
  approver: 'U0BOB0001',
  request: { id: 'req-7', permalink: 'https://example.slack.com/archives/C1/p1' },
  ref: 'hw-prod:t-2',
} as const;

/** An escalation step as an earlier build stored it: an event note whose `escalation` said it. */
const STEP_BEFORE = {
  kind: 'event',
  event: 'escalated',
  resource: {
    provider: 'huawei-oms',
    connection: 'hw-prod',
    kind: 'task',
    id: 't-1',
    name: 'photos *2024*',
    state: 'failed',
    bytes: { done: 1, total: 2 },
    objects: { done: 1, total: 2 },
  },
  actions: ['retry'],
  run: 1,
  at: AT,
  title: 'Photos',
  escalation: { failedMs: 3 * 3600_000, mention: ['<!subteam^S0ONCALL>'] },
} as const;

function entry(id: string, note: unknown): OutboxEntry {
  return {
    key: `${TEAM}:${id}`,
    type: 'reply',
    teamId: TEAM,
    channel: CHANNEL,
    note: note as never,
    createdAt: AT,
    attempts: 0,
  };
}

const caps = startedForReading([verification, onCall, deltaRuns]);

/** The watcher's Slack over a sender that records what it is asked to post or edit. */
function delivery(tr = translatorFor('en')) {
  const sent: { text?: string; blocks?: unknown[] }[] = [];
  const to = {
    post: async (message: { text?: string; blocks?: unknown[] }) => {
      sent.push(message);
      return { ts: String(sent.length) };
    },
    update: async (message: { text?: string; blocks?: unknown[] }) => {
      sent.push(message);
    },
  };
  const sender = { to: () => to } as unknown as SlackSender;
  const slack = new SlackWatchDelivery(sender, { now: () => AT } as never, async () => tr, undefined, caps);
  return { slack, sent };
}

/** Posts each entry's note in the card's thread, as the outbox does. */
async function postAll(slack: SlackWatchDelivery, outbox: readonly { key: string; note?: unknown }[]) {
  for (const e of outbox)
    await slack.post({
      key: e.key,
      teamId: TEAM,
      channel: CHANNEL,
      threadTs: '9.9',
      content: { note: e.note as never },
    });
}

describe('a capability’s notes in a run’s thread, drawn by it', () => {
  const before = {
    ...base,
    outbox: [entry('chain', CHAIN_BEFORE), entry('esc', STEP_BEFORE)],
  };

  it('reads an earlier build’s chain line and escalation step as their capability’s, plain or compact', () => {
    const plain = decodeRecord<WatchRecord>(key, JSON.stringify(before));
    const compact = decodeRecord<WatchRecord>(key, encodeRecord(key, plain));
    for (const read of [plain, compact]) {
      expect(read.outbox.map((e) => e.note)).toEqual([
        { kind: 'said', capability: 'delta-runs', note: CHAIN_BEFORE },
        { ...STEP_BEFORE, capability: 'on-call' },
      ]);
    }
  });

  it('posts them as the earlier build drew them, in every language', async () => {
    const read = decodeRecord<WatchRecord>(key, JSON.stringify(before));
    for (const locale of ['en', 'ko', 'zh-CN'] as const) {
      const tr = translatorFor(locale);
      const { slack, sent } = delivery(tr);
      await postAll(slack, read.outbox);
      const chain = renderChainLine(CHAIN_BEFORE as unknown as ChainNote, tr);
      const step = renderEscalation(STEP_BEFORE as unknown as EscalationNote, tr);
      expect(sent.map(({ text, blocks }) => ({ text, blocks }))).toEqual([
        { text: chain.text, blocks: chain.blocks },
        { text: step.text, blocks: step.blocks },
      ]);
    }
    // What they said in English, so an empty drawing cannot pass.
    const { slack, sent } = delivery();
    await postAll(slack, read.outbox);
    expect(sent[0]!.text).toBe('↪ *Retry 2* approved by <@U0BOB0001> and running: `hw-prod:t-2`.');
    expect(sent[1]!.text).toContain('<!subteam^S0ONCALL>');
    expect(sent[1]!.text).toContain('*Photos*');
  });

  it('refuses a note no listed capability draws, rather than posting an empty message', async () => {
    const { slack, sent } = delivery();
    const note = { kind: 'said', capability: 'nobody', note: {} } as const;
    await expect(
      slack.post({ key: 'k', teamId: TEAM, channel: CHANNEL, content: { note } }),
    ).rejects.toMatchObject({ failure: 'refused' });
    expect(sent).toEqual([]);
  });
});

describe('the card’s verification sentence, verification’s own', () => {
  const signed = {
    at: AT,
    run: 1,
    report: {
      connection: 'hw-prod',
      kind: 'task',
      id: 't-1',
      name: 'x',
      state: 'succeeded',
      basis: 'outcomes',
      outcome: 'matches',
      objects: {},
      bytes: {},
    },
    signoff: { by: 'U0BOB0001', at: AT + 1, note: '' },
  };

  it('is said in the card’s notice, after what the core says, as before', async () => {
    const record = decodeRecord<WatchRecord>(
      key,
      JSON.stringify({ ...base, facts: { verification: signed } }),
    );
    const card = cardFacts(record);
    const { slack, sent } = delivery();
    await slack.editCard(TEAM, { channel: CHANNEL, ts: '1.1', card });
    const notice = JSON.stringify((sent[0]!.blocks as unknown[])[0]);
    const line = verificationCardLine(verificationCard(signed as never), translatorFor('en'));
    expect(line).toBe(':lock: Verified by <@U0BOB0001>');
    expect(notice).toContain(` ${line}`);
    // No fact, no sentence.
    const { slack: bare, sent: plain } = delivery();
    await bare.editCard(TEAM, {
      channel: CHANNEL,
      ts: '1.1',
      card: cardFacts(decodeRecord<WatchRecord>(key, raw)),
    });
    expect(JSON.stringify(plain[0]!.blocks)).not.toContain('Verified by');
  });
});
