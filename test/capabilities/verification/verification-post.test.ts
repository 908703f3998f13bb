import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deltaRuns } from '../../../src/capabilities/delta-runs/index.js';
import { objects } from '../../../src/capabilities/objects/index.js';
import { withVerification } from '../../../src/capabilities/shared/verification-fact.js';
import { verification } from '../../../src/capabilities/verification/index.js';
import {
  showVerification,
  type VerificationNote,
} from '../../../src/capabilities/verification/verification.js';
import { verificationCsv } from '../../../src/capabilities/verification/verification-csv.js';
import { renderVerification, verifiedRun } from '../../../src/capabilities/verification/verification-post.js';
import { VERIFICATION_WORDS } from '../../../src/capabilities/verification/words.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { parseListQuery } from '../../../src/slack/list-query.js';
import { findSubcommand } from '../../../src/slack/listeners/commands/subcommands/index.js';
import { isFollowUp } from '../../../src/watcher/outbox/event-entries.js';
import { duePosts, type EventPost, registerPost, viewSig } from '../../../src/watcher/outbox/living-posts.js';
import { showInThread, threadViewEntry } from '../../../src/watcher/outbox/thread-views.js';
import { decodeRecord, encodeRecord } from '../../../src/watcher/records/record-codec.js';
import type { OutboxEntry, WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { partsOf, startedForReading } from '../../harness/started-capabilities.js';

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
const READING = startedForReading();

// The verification post is the verification capability's own post in the run's thread: drawn by
// its `render` from the view it hands the watcher's one editor, with the other capabilities'
// buttons under it and its CSV into the thread. Posts and entries an earlier build recorded as the
// core's verification post are read as the capability's, so a sign-off still edits them.
const OLD: Record<string, string> = JSON.parse(
  readFileSync(new URL('../../watcher/fixtures/records-before-compact.json', import.meta.url), 'utf8'),
);
const [key, raw] = Object.entries(OLD)[0]!;
const base = JSON.parse(raw) as WatchRecord & { parentTs: string };
const REPORT = {
  connection: 'hw-prod',
  kind: 'task',
  id: 't-1',
  name: '=HYPERLINK("x")',
  state: 'succeeded',
  basis: 'outcomes',
  outcome: 'matches',
  objects: { total: 3, succeeded: 3, accounted: 3, unaccounted: 0 },
  bytes: {},
} as const;
const AT = 1_700_000_000_000;
const STATE = { at: AT, run: 1, report: REPORT };
const SIGNOFF = { by: 'U0BOB0001', at: AT + 100_000, note: 'checked' };
const NOTE = {
  kind: 'verification',
  report: REPORT,
  at: AT,
  requester: 'U0ALICE01',
  provider: 'huawei-oms',
} as const;
const CHANNEL = base.watch.channelId;
const POST_TS = '1700000000.000099';

/** A record as an earlier build wrote it: its verification post and a verification still to post. */
function earlier(): Record<string, unknown> {
  return {
    ...base,
    facts: { verification: STATE },
    posts: [{ kind: 'verification', channel: CHANNEL, ts: POST_TS, was: { at: AT }, shown: 'posted' }],
    outbox: [
      {
        key: `${base.watch.teamId}:k:verification`,
        type: 'reply',
        teamId: base.watch.teamId,
        channel: CHANNEL,
        note: { ...NOTE, at: AT + 1 },
        createdAt: AT,
        attempts: 0,
      },
    ],
  };
}

const caps = startedForReading([verification, deltaRuns, objects]);

describe('the verification post, its capability’s own', () => {
  it('is drawn by the capability, with the others’ buttons under it and its CSV, in every language', () => {
    for (const locale of ['en', 'ko', 'zh-CN'] as const) {
      const tr = translatorFor(locale);
      const note = NOTE as unknown as VerificationNote;
      const drawn = caps.render('verification', note, tr, AT)!;
      const buttons = caps.buttonsUnder('verification', verifiedRun(note), tr);
      expect(buttons.map((b) => b.action_id)).toContain('verification.rerun');
      expect({ text: drawn.text, blocks: drawn.blocks }).toEqual(renderVerification(note, tr, buttons));
      expect(drawn.file).toEqual({
        filename: 'verification-t-1.csv',
        title: tr.with(VERIFICATION_WORDS).t('verify.csv.title', { name: REPORT.name }),
        text: verificationCsv(REPORT as never),
      });
    }
  });

  it('reads an earlier build’s post and waiting entry as the capability’s, plain or compact', () => {
    const plain = decodeRecord<WatchRecord>(key, JSON.stringify(earlier()));
    const compact = decodeRecord<WatchRecord>(key, encodeRecord(key, plain));
    for (const read of [plain, compact]) {
      expect(read.posts?.[1]).toEqual({
        kind: 'view',
        capability: 'verification',
        id: String(AT),
        channel: CHANNEL,
        ts: POST_TS,
        was: { at: AT },
        shown: 'posted',
      });
      const entry = read.outbox[0]!;
      expect(entry.note).toEqual({
        kind: 'view',
        capability: 'verification',
        id: String(AT + 1),
        view: { ...NOTE, at: AT + 1 },
      });
      // Still a follow-up of its ending, drawn by its capability as the old note was.
      expect(isFollowUp(entry)).toBe(true);
      const drawn = caps.render(
        'verification',
        (entry.note as { view: unknown }).view,
        translatorFor('en'),
        0,
      );
      const old = { ...NOTE, at: AT + 1 } as unknown as VerificationNote;
      const buttons = caps.buttonsUnder('verification', verifiedRun(old), translatorFor('en'));
      expect(drawn?.blocks).toEqual(renderVerification(old, translatorFor('en'), buttons).blocks);
    }
  });

  it('hands an old post its view when signed after the upgrade: the one editor redraws it signed', () => {
    const read = decodeRecord<WatchRecord>(key, JSON.stringify(earlier()));
    expect(duePosts(read).filter((p) => p.kind !== 'card')).toEqual([]);
    const signed = showVerification(withVerification(read, { ...STATE, signoff: SIGNOFF }));
    const due = duePosts(signed).filter((p): p is EventPost => p.kind === 'view');
    expect(due.map((p) => p.ts)).toEqual([POST_TS]);
    const drawn = caps.render('verification', due[0]!.view, translatorFor('en'), 0)!;
    expect(JSON.stringify(drawn.blocks)).toContain('Verified by <@U0BOB0001>');
    expect(JSON.stringify(drawn.blocks)).not.toContain('verification.signoff');
  });
});

describe('a capability’s post in a resource’s thread (thread-views)', () => {
  const record = decodeRecord<WatchRecord>(key, raw);
  const post = { capability: 'labels', id: 'run-1', key: `${key}:labels` };
  const entry: OutboxEntry = threadViewEntry(record, post, { text: 'a' }, AT);

  it('is a reply in the card’s thread that follows the ending, drawn by its capability', () => {
    expect(entry).toMatchObject({ type: 'reply', channel: CHANNEL, key: post.key });
    expect(entry.note).toEqual({ kind: 'view', capability: 'labels', id: 'run-1', view: { text: 'a' } });
    expect(isFollowUp(entry)).toBe(true);
  });

  it('is due for the editor only while it does not show the view it was handed', () => {
    const posted = registerPost(record, entry, POST_TS);
    expect(duePosts(posted).filter((p) => p.kind === 'view')).toEqual([]);
    expect(showInThread(posted, post, { text: 'a' }).record).toEqual(posted);
    const handed = showInThread(posted, post, { text: 'b' });
    expect(handed.found).toBe(true);
    const due = duePosts(handed.record).find((p) => p.kind === 'view') as EventPost;
    expect(due).toMatchObject({ ts: POST_TS, view: { text: 'b' }, shown: viewSig({ text: 'a' }) });
    // Handed back what it shows: nothing due any more.
    const back = showInThread(handed.record, post, { text: 'a' }).record;
    expect(duePosts(back).filter((p) => p.kind === 'view')).toEqual([]);
  });

  it('posts a waiting one with the newest view, and a view handed over while it was sent is due', () => {
    const waiting = { ...record, outbox: [entry] };
    const handed = showInThread(waiting, post, { text: 'c' });
    expect(handed.record.outbox[0]!.note).toMatchObject({ view: { text: 'c' } });
    const sent = registerPost({ ...record, outbox: [] }, entry, POST_TS, handed.record.outbox);
    expect(duePosts(sent).find((p) => p.kind === 'view')).toMatchObject({ view: { text: 'c' } });
    expect(showInThread(record, post, { text: 'd' }).found).toBe(false);
  });
});

describe('`/migrate list unverified`, a list filter the capability contributes', () => {
  it('is the capability’s word, parsed by the core list only as a filter it was given', () => {
    expect((partsOf(verification).commands?.listFilters ?? []).map((f) => f.word)).toEqual(['unverified']);
    expect(parseListQuery('list', ['unverified'], false, undefined, ['unverified']).filter).toBe(
      'unverified',
    );
    // Not given it, the core reads the word as it reads any other (a connection's name).
    expect(parseListQuery('list', ['unverified'], false)).not.toHaveProperty('filter');
    expect(
      parseListQuery('list', ['unverified', 'tasks'], false, undefined, ['unverified']),
    ).not.toHaveProperty('filter');
    expect(() => findSubcommand('list', READING)!.check(['unverified'], false)).not.toThrow();
  });
});
