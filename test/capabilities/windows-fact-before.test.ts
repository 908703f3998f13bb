import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord } from '../../src/watcher/records/record-codec.js';
import type { WatchRecord } from '../../src/watcher/records/watch-store.js';
import { startedForReading } from '../harness/started-capabilities.js';

// ADR 0014: the windows capability's fact of a resource is `facts.windows`, no longer a field of
// the watch record. A record written before (plain `windows`, compact `wn`) is read as that fact.
const OLD: Record<string, string> = JSON.parse(
  readFileSync(new URL('../watcher/fixtures/records-before-compact.json', import.meta.url), 'utf8'),
);
const [key, raw] = Object.entries(OLD)[0]!;
const FACT = [
  {
    id: 'w0a1b2c',
    name: 'nightly',
    days: [1, 2],
    start: 1320,
    end: 60,
    zone: 'UTC',
    action: 'pause',
    holding: false,
  },
];

describe('a window fact written before capabilities kept facts', () => {
  it('is read from a plain record’s `windows` as `facts.windows`', () => {
    const plain = { ...JSON.parse(raw), windows: FACT, facts: { labels: { text: 'x' } } };
    const read = decodeRecord<WatchRecord & { windows?: unknown }>(key, JSON.stringify(plain));
    expect(read.facts).toEqual({ windows: FACT, labels: { text: 'x' } });
    expect(read.windows).toBeUndefined();
  });

  it('is read from a compact record’s `wn`, and written back under `facts`', () => {
    const compact = JSON.parse(encodeRecord(key, decodeRecord(key, raw))) as Record<string, unknown>;
    expect(compact.v).toBe(2); // the compact form
    const read = decodeRecord<WatchRecord & { windows?: unknown }>(
      key,
      JSON.stringify({ ...compact, wn: FACT }),
    );
    expect(read.facts).toEqual({ windows: FACT });
    expect(read.windows).toBeUndefined();
    const again = JSON.parse(encodeRecord(key, read)) as Record<string, unknown>;
    expect(again.wn).toBeUndefined();
    expect(decodeRecord<WatchRecord>(key, JSON.stringify(again)).facts).toEqual({ windows: FACT });
  });
});

// A window's refusal was the core's own note kind (`window-refused`); it is the windows' view note
// now, drawn by the capability. An outbox entry written before is read as that view, still posted.
describe('a window-refused note written before it was the windows’ own post', () => {
  const NOTE = {
    kind: 'window-refused',
    window: { id: 'w0a1b2c', name: 'nightly' },
    by: 'U0BOB0001',
    action: 'pause',
  };
  const entry = {
    key: 'T1:C1:hw:task:1:window-w0a1b2c-start',
    type: 'reply',
    teamId: 'T1',
    channel: 'C1',
    note: NOTE,
    createdAt: 1,
    attempts: 0,
  };

  it('is read as the windows’ view note, which the capability draws as before', async () => {
    const plain = { ...JSON.parse(raw), outbox: [entry] };
    const read = decodeRecord<WatchRecord>(key, JSON.stringify(plain));
    expect(read.outbox[0]!.note).toEqual({ kind: 'view', capability: 'windows', id: entry.key, view: NOTE });
    const { windows } = await import('../../src/capabilities/windows/windows.js');
    const { ENGLISH } = await import('../../src/i18n/translator.js');
    const drawn = startedForReading([windows]).render(
      'windows',
      (read.outbox[0]!.note as { view: unknown }).view,
      ENGLISH,
      0,
    );
    expect(drawn?.text).toContain('`/migrate window remove w0a1b2c`');
    expect(drawn?.text).toContain('<@U0BOB0001>');
  });
});
