import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../../src/capabilities/registry.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import { renderFailureListing } from '../../../src/slack/blocks/failure-listing.js';
import { renderEventReply, renderParentCard } from '../../../src/slack/blocks/watch-notifications.js';
import { listingNote, liveNow } from '../../../src/watcher/outbox/living-posts.js';
import { cardFacts, eventNote } from '../../../src/watcher/outbox/notification.js';
import { decodeRecord, encodeRecord } from '../../../src/watcher/records/record-codec.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { startedForReading } from '../../harness/started-capabilities.js';

/**
 * Issue 58 items 1 and 8: who is on a failure is on-call's fact (`facts['on-call'].onFailure`).
 * Records earlier builds stored with the claim as a field of their own (`claim`, compact `cl`), and
 * a listing line's `now.claim`, still show it: on the card and on the failure post.
 */
const DRAWING = startedForReading(CAPABILITIES);
const FIXTURE: Record<string, string> = JSON.parse(
  readFileSync(new URL('../fixtures/records-before-compact.json', import.meta.url), 'utf8'),
);
const [KEY, RAW] = Object.entries(FIXTURE)[0]!;
const AT = 1795444850000;
const CLAIM = { by: 'U0OPER001', at: AT, about: 'TRF.0015|Access denied.' };
const ESCALATION = { since: AT - 60_000, reminded: true };

/** The fixture's record (plain, as an earlier build wrote it) failed, with the fields given. */
function oldPlain(fields: Record<string, unknown>): string {
  const r = JSON.parse(RAW);
  r.snapshot.state = 'failed';
  r.snapshot.lastError = { code: 'TRF.0015', message: 'Access denied.' };
  r.state = 'failed';
  r.actions = ['resume', 'delete'];
  return JSON.stringify({ ...r, ...fields });
}

/** The same, compact, with the short codes an earlier build wrote (`cl`, `es`). */
function oldCompact(fields: Record<string, unknown>): string {
  const record = decodeRecord<WatchRecord>(KEY, oldPlain({}));
  return JSON.stringify({ ...JSON.parse(encodeRecord(KEY, record)), ...fields });
}

const texts = (blocks: unknown[]) => JSON.stringify(blocks);
const buttonIds = (blocks: { type: string; elements?: { action_id?: string }[] }[]) =>
  blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements?.map((e) => e.action_id) ?? []);

describe('a claim stored by an earlier build', () => {
  for (const [form, raw] of [
    ['plain (`claim`)', oldPlain({ claim: CLAIM, escalation: ESCALATION })],
    ['compact (`cl`)', oldCompact({ cl: CLAIM, es: ESCALATION })],
  ] as const) {
    it(`is read as on-call's fact, ${form}, and shown on the card and the failure post`, () => {
      const record = decodeRecord<WatchRecord>(KEY, raw);
      expect(record.facts?.['on-call']).toEqual({ ...ESCALATION, onFailure: CLAIM });
      expect(record).not.toHaveProperty('claim');

      const card = renderParentCard(cardFacts(record), ENGLISH, AT, [], DRAWING).blocks;
      expect(texts(card)).toContain('<@U0OPER001> is on it');
      expect(buttonIds(card as never)).toEqual(expect.arrayContaining(['failure.claim', 'failure.takeover']));

      const post = renderEventReply(
        { ...eventNote('failed', record, AT), facts: liveNow(record).facts },
        ENGLISH,
        DRAWING,
      ).blocks;
      expect(texts(post)).toContain('<@U0OPER001> is on it');
      expect(texts(post)).toContain('Hand back');
      expect(buttonIds(post as never)).toContain('failure.takeover');
    });
  }

  it('on a listing line (`now.claim`), is still said there', () => {
    const item = { connection: 'up-000', kind: 'job' as const, id: 'x', name: 'n' };
    const note = listingNote({
      key: 'k',
      ts: '1.1',
      items: [item],
      now: { 'up-000:job:x': { state: 'failed', actions: [], claim: { by: 'U0OPER001', at: AT } } as never },
    });
    expect(texts(renderFailureListing(note, ENGLISH, DRAWING).blocks)).toContain('<@U0OPER001> is on it');
  });
});
