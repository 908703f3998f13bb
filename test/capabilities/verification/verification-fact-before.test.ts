import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verificationOf } from '../../../src/capabilities/shared/verification-fact.js';
import { signOffStanding, verificationNote } from '../../../src/capabilities/verification/verification.js';
import { decodeRecord, encodeRecord } from '../../../src/watcher/records/record-codec.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';

// The verification of a watch's last run is the verification capability's fact
// `facts.verification`, no longer a field of the watch record. A record written before (plain
// `verification`, compact `vf`) is read as that fact: its post, its sign-off and `list unverified`
// carry on after an upgrade, and it is written back under `facts`.
const OLD: Record<string, string> = JSON.parse(
  readFileSync(new URL('../../watcher/fixtures/records-before-compact.json', import.meta.url), 'utf8'),
);
const [key, raw] = Object.entries(OLD)[0]!;
const REPORT = {
  connection: 'hw-prod',
  kind: 'task',
  id: 't-1',
  name: 'nightly',
  state: 'succeeded',
  basis: 'outcomes',
  outcome: 'matches',
  objects: { total: 3, succeeded: 3, accounted: 3, unaccounted: 0 },
  bytes: {},
};
const STATE = { at: 1_700_000_000_000, run: 1, report: REPORT };
const SIGNED = { ...STATE, signoff: { by: 'U0BOB0001', at: 1_700_000_100_000, note: 'checked' } };

describe('a verification written before it was a capability’s fact', () => {
  it('is read from a plain record’s `verification` as `facts.verification`', () => {
    const plain = { ...JSON.parse(raw), verification: SIGNED, facts: { labels: { text: 'x' } } };
    const read = decodeRecord<WatchRecord & { verification?: unknown }>(key, JSON.stringify(plain));
    expect(read.facts).toEqual({ verification: SIGNED, labels: { text: 'x' } });
    expect(read.verification).toBeUndefined();
    expect(verificationNote(read)?.signoff).toEqual(SIGNED.signoff);
  });

  it('is read from a compact record’s `vf`, beside `es`, and written back under `facts`', () => {
    const compact = JSON.parse(encodeRecord(key, decodeRecord(key, raw))) as Record<string, unknown>;
    expect(compact.v).toBe(2);
    const escalation = { since: 1, reminded: true };
    const read = decodeRecord<WatchRecord>(key, JSON.stringify({ ...compact, vf: STATE, es: escalation }));
    expect(read.facts).toEqual({ verification: STATE, 'on-call': escalation });
    const again = JSON.parse(encodeRecord(key, read)) as Record<string, unknown>;
    expect(again.vf).toBeUndefined();
    expect(verificationOf(decodeRecord<WatchRecord>(key, JSON.stringify(again)))).toEqual(STATE);
  });

  it('keeps waiting for its sign-off in `list unverified`, and is the post’s verification', () => {
    const compact = JSON.parse(encodeRecord(key, decodeRecord(key, raw))) as Record<string, unknown>;
    const read = decodeRecord<WatchRecord>(key, JSON.stringify({ ...compact, vf: STATE }));
    expect(signOffStanding([read]).waiting).toEqual([read]);
    expect(verificationNote(read)).toMatchObject({ kind: 'verification', at: STATE.at, report: REPORT });
  });
});
