import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escalate } from '../../../src/capabilities/on-call/escalation.js';
import { decodeRecord, encodeRecord } from '../../../src/watcher/records/record-codec.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';

// ADR 0014: where a failure's escalation stands is on-call's fact `facts['on-call']`, no longer a
// field of the watch record. A record written before (plain `escalation`, compact `es`) is read as
// that fact, so an upgrade neither says a step again nor forgets since when the failure lasts.
const OLD: Record<string, string> = JSON.parse(
  readFileSync(new URL('../../watcher/fixtures/records-before-compact.json', import.meta.url), 'utf8'),
);
const [key, raw] = Object.entries(OLD)[0]!;
const SINCE = 1_700_000_000_000;
const STATE = { since: SINCE, reminded: true, escalated: true, mention: ['<!subteam^S0ONCALL1>'] };
const MIN = 60_000;

describe('an escalation written before on-call kept it as a fact', () => {
  it('is read from a plain record’s `escalation` as `facts[on-call]`', () => {
    const plain = { ...JSON.parse(raw), escalation: STATE, facts: { labels: { text: 'x' } } };
    const read = decodeRecord<WatchRecord & { escalation?: unknown }>(key, JSON.stringify(plain));
    expect(read.facts).toEqual({ 'on-call': STATE, labels: { text: 'x' } });
    expect(read.escalation).toBeUndefined();
  });

  it('is read from a compact record’s `es`, beside a window’s `wn`, and written back under `facts`', () => {
    const compact = JSON.parse(encodeRecord(key, decodeRecord(key, raw))) as Record<string, unknown>;
    expect(compact.v).toBe(2);
    const read = decodeRecord<WatchRecord>(key, JSON.stringify({ ...compact, es: STATE, wn: [] }));
    expect(read.facts).toEqual({ 'on-call': STATE, windows: [] });
    const again = JSON.parse(encodeRecord(key, read)) as Record<string, unknown>;
    expect(again.es).toBeUndefined();
    expect(decodeRecord<WatchRecord>(key, JSON.stringify(again)).facts?.['on-call']).toEqual(STATE);
  });

  it('says no step again after the upgrade, and counts from the failure it recorded', () => {
    const before = decodeRecord<WatchRecord>(key, raw);
    const failed: WatchRecord = {
      ...before,
      state: 'failed',
      ended: false,
      facts: { 'on-call': { since: SINCE, reminded: true } },
    };
    const policy = { remindMs: 15 * MIN, escalateMs: 60 * MIN, mention: ['<@U0APPROV1>'] };
    // Reminded already: at 30 minutes nothing is said; at an hour, the escalation, counted from `since`.
    expect(escalate(failed, policy, SINCE + 30 * MIN)).toBeUndefined();
    const later = escalate(failed, policy, SINCE + 60 * MIN)!;
    expect(later.events.map((e) => e.event)).toEqual(['escalated']);
    expect(later.events[0]!.key).toContain(`:esc${SINCE}:escalated`);
    expect(later.events[0]!.note).toEqual({ escalation: { failedMs: 60 * MIN, mention: policy.mention } });
    expect(later.fact).toEqual({ since: SINCE, reminded: true, escalated: true, mention: policy.mention });
  });
});
