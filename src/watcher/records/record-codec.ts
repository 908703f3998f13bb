import type { Counter, Endpoint, MigrationResource } from '../../domain/migration-resource.js';
import type { ThroughputSample } from '../../reports/throughput-samples.js';
import type { CardPost, EventPost, LivePost } from '../outbox/living-posts.js';
import { type Compact, dedupBaseOf, expandRecord, factsOfBefore, viewsOfBefore } from './record-expand.js';
import type { Watch, WatchRecord, WatchTarget } from './watch-store.js';

/**
 * How records are stored: JSON, and for a watch record a compact form (ADR 0003): short field names, no
 * target (the key has it), no defaults, dates as epoch ms, samples as deltas, sent keys without the
 * watch's dedup prefix. It must give back exactly the plain JSON round trip: a record it cannot say
 * exactly (unknown field, target unlike its key, invalid Date, missing field) is written as plain JSON,
 * and earlier builds' plain records (no marker) read as always.
 */

/** Marks a compact watch record; no plain record has a `v` field. */
const VERSION_FIELD = 'v';
const COMPACT_VERSION = 2;
const WATCH_KEY_PREFIX = 'w:';

const SNAPSHOT_DATES = ['startedAt', 'createdAt', 'updatedAt'] as const;

type Table<T> = { readonly [K in keyof Required<T>]: string };

/**
 * A watch record as stored: its card (the first of its posts) where every build since 0.1.0 reads
 * it, as `parentTs` and `card` (always there: `dirty: false` until it is posted), its other posts
 * in `posts`. Rolling updates and rollbacks between this build and earlier ones read each other's
 * records as their own; reading puts the card back first in `posts`.
 */
type StoredRecord = Omit<WatchRecord, 'posts'> & { parentTs?: string; card: StoredCard; posts?: EventPost[] };
type StoredCard = { dirty: boolean; shownState?: string; shownProgress?: number; editedAt?: number };

/** Every field of a record, so a field added to the type fails to compile until it has a code. */
const RECORD: Table<StoredRecord> = {
  watch: 'w',
  snapshot: 's',
  actions: 'a',
  state: 'st',
  run: 'r',
  seq: 'q',
  lastEvent: 'le',
  started: 'sd',
  progressMark: 'pm',
  movedAt: 'm',
  stalled: 'sl',
  lastSpeed: 'ls',
  stallSeq: 'ss',
  parentTs: 'pt',
  card: 'c',
  ended: 'e',
  broken: 'bk',
  breaks: 'br',
  requested: 'rq',
  failedAt: 'fa',
  facts: 'cf',
  follow: 'f',
  via: 'vi',
  explicit: 'x',
  group: 'g',
  samples: 'sm',
  posts: 'po',
  outbox: 'o',
  sent: 'sn',
};
/** The watch without its target (the key names it). */
const WATCH: Table<Omit<Watch, keyof WatchTarget>> = { by: 'b', createdAt: 'c', origin: 'o' };
/** The snapshot without connection, kind and id (the watch's own). */
const SNAPSHOT: Table<Omit<MigrationResource, 'connection' | 'kind' | 'id'>> = {
  provider: 'p',
  name: 'n',
  state: 's',
  rawStatus: 'r',
  progress: 'g',
  bytes: 'b',
  objects: 'o',
  speed: 'v',
  etaSeconds: 'eta',
  scanning: 'sc',
  source: 'src',
  destination: 'dst',
  lastError: 'err',
  failedObjectList: 'fol',
  reconciliation: 'rc',
  groupId: 'gid',
  startedAt: 'sa',
  createdAt: 'ca',
  updatedAt: 'ua',
  elapsedSeconds: 'el',
  unreadable: 'u',
};
const COUNTER: Table<Counter> = { done: 'd', failed: 'f', skipped: 'k', total: 't' };
const ENDPOINT: Table<Endpoint> = { cloud: 'c', region: 'r', bucket: 'b', prefix: 'p' };
const CARD: Table<StoredCard> = { dirty: 'd', shownState: 's', shownProgress: 'p', editedAt: 'e' };

/** Required fields left out when they hold these values (the common case). */
const DEFAULTS = { run: 1, seq: 0, started: true, stalled: false, stallSeq: 0, ended: false } as const;
const EMPTY_BY_DEFAULT = ['outbox', 'sent', 'actions'] as const;
/** What decoding fills in when absent. */
const FILLED_IN = [...Object.keys(DEFAULTS), ...EMPTY_BY_DEFAULT, 'snapshot', 'card'];
const TARGET_FIELDS = ['teamId', 'channelId', 'connection', 'kind', 'id'] as const;

type Json = Record<string, unknown>;
/** The compact form cannot say this record exactly: it is stored as plain JSON. */
class NotCompact extends Error {}

/** Plain JSON, or the compact form for a watch record stored under its own key. */
export function encodeRecord(key: string, value: unknown): string {
  if (key.startsWith(WATCH_KEY_PREFIX) && isObject(value) && isObject(value.watch)) {
    const stored = storedForm(value);
    const target = targetOfKey(key);
    if (target) {
      try {
        return JSON.stringify(compactRecord(stored, target));
      } catch (error) {
        if (!(error instanceof NotCompact)) throw error;
      }
    }
    return JSON.stringify(stored);
  }
  return JSON.stringify(value);
}

/** Plain JSON, which every build reads (`WATCH_RECORD_FORMAT=plain`): a watch record in its stored form. */
export function encodePlain(_key: string, value: unknown): string {
  return JSON.stringify(isObject(value) && isObject(value.watch) ? storedForm(value) : value);
}

/** The record as stored (`StoredRecord`): its card out of `posts`. */
function storedForm(record: Json): Json {
  const posts = record.posts as LivePost[] | undefined;
  // The card is always first (`cardOf`, living-posts.ts).
  const card = posts?.[0]?.kind === 'card' ? posts[0] : undefined;
  const { posts: _all, parentTs: _ts, card: _card, ...rest } = record;
  const stored: Json = rest;
  if (card) stored.parentTs = card.ts;
  stored.card = card ? storedCard(card) : { dirty: false };
  const others = card ? posts!.slice(1) : posts;
  // Only the card: no `posts`, which reads back as the card alone.
  if (others !== undefined && (others.length > 0 || !card)) stored.posts = others;
  return stored;
}

function storedCard(card: CardPost): StoredCard {
  const stored: StoredCard = { dirty: card.dirty };
  if (card.shown.state !== undefined) stored.shownState = card.shown.state;
  if (card.shown.progress !== undefined) stored.shownProgress = card.shown.progress;
  if (card.shown.at !== undefined) stored.editedAt = card.shown.at;
  return stored;
}

/**
 * A watch record read from its plain form (this build's, an earlier one's, 0.2.0's): the stored
 * card (`parentTs`, `card`) becomes the first of its posts once it was posted, and is dropped before.
 */
function readForm(record: Json): Json {
  const { parentTs, card, ...rest } = factsOfBefore(record);
  if (typeof parentTs !== 'string') return rest;
  const c = (isObject(card) ? card : {}) as Partial<StoredCard>;
  const shown: CardPost['shown'] = {};
  if (c.shownState !== undefined) shown.state = c.shownState;
  if (c.shownProgress !== undefined) shown.progress = c.shownProgress;
  if (c.editedAt !== undefined) shown.at = c.editedAt;
  const channel = (record.watch as Watch).channelId;
  const post: CardPost = { kind: 'card', channel, ts: parentTs, dirty: c.dirty === true, shown };
  rest.posts = [post, ...((rest.posts as LivePost[] | undefined) ?? [])];
  return rest;
}

/** Reads what `encodeRecord` (or any earlier build) wrote under `key`. */
export function decodeRecord<T>(key: string, raw: string): T {
  const value = JSON.parse(raw) as unknown;
  // A plain watch record always has `watch` (the compact form says `w`), whatever else it holds.
  if (isObject(value) && value[VERSION_FIELD] === COMPACT_VERSION && value.watch === undefined) {
    const target = targetOfKey(key);
    if (target) return viewsOfBefore(expandRecord(value as Compact, target, key)) as T;
  }
  const plain = restoreSnapshotDates(value);
  return (isObject(plain) && isObject(plain.watch) ? viewsOfBefore(readForm(plain)) : plain) as T;
}

/** The plain form's decoding, as it always was: only a snapshot carries Dates, as ISO strings. */
function restoreSnapshotDates(value: unknown): unknown {
  // Restoring them here rather than with a reviver keeps `JSON.parse` on its fast path.
  const snapshot = isObject(value) ? value.snapshot : undefined;
  if (isObject(snapshot)) {
    for (const field of SNAPSHOT_DATES) {
      const date = snapshot[field];
      if (typeof date === 'string') snapshot[field] = new Date(date);
    }
  }
  return value;
}

function compactRecord(record: Json, target: WatchTarget): Json {
  const out: Json = { [VERSION_FIELD]: COMPACT_VERSION };
  const base = dedupBaseOf(target);
  onlyKnownFields(record, RECORD);
  // In the table's order, whatever the record's: the same record is always the same text.
  for (const [field, code] of entriesOf(RECORD)) {
    const value = record[field];
    if (value === undefined) continue;
    if (field in DEFAULTS) {
      const known = DEFAULTS[field as keyof typeof DEFAULTS];
      if (value !== known) out[code] = value;
    } else if (isEmptyByDefault(field)) {
      if (!Array.isArray(value)) throw new NotCompact();
      if (value.length > 0) out[code] = field === 'sent' ? value.map((k) => shortSentKey(k, base)) : value;
    } else if (field === 'watch') out[code] = compactWatch(value, target);
    else if (field === 'snapshot') out[code] = compactSnapshot(value, target);
    else if (field === 'card')
      out[code] = renamed(value, CARD, (f, v) => (f === 'dirty' && v === false ? SKIPPED : v));
    else if (field === 'samples') out[code] = compactSamples(value);
    else out[code] = value;
  }
  // Decoding fills in what is absent: a record without one of these would come back with it.
  for (const field of FILLED_IN) if (record[field] === undefined) throw new NotCompact();
  if (!isObject(record.card) || record.card.dirty === undefined) throw new NotCompact();
  return out;
}

function compactWatch(watch: unknown, target: WatchTarget): Json {
  if (!isObject(watch)) throw new NotCompact();
  for (const field of TARGET_FIELDS) if (watch[field] !== target[field]) throw new NotCompact();
  return renamed(watch, WATCH, undefined, TARGET_FIELDS);
}

function compactSnapshot(snapshot: unknown, target: WatchTarget): Json {
  if (!isObject(snapshot)) throw new NotCompact();
  for (const field of ['connection', 'kind', 'id'] as const)
    if (snapshot[field] !== target[field]) throw new NotCompact();
  return renamed(
    snapshot,
    SNAPSHOT,
    (field, value) => {
      if (isSnapshotDate(field)) {
        // Only a valid Date: the plain form writes anything else in a way this one would not read back.
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new NotCompact();
        return value.getTime();
      }
      if (field === 'bytes' || field === 'objects') return renamed(value, COUNTER);
      if (field === 'source' || field === 'destination') return renamed(value, ENDPOINT);
      return value;
    },
    ['connection', 'kind', 'id'],
  );
}

/**
 * Samples as one flat list of deltas, `[at₀, bytes₀, Δat₁, Δbytes₁, …]`: a minute's step and the
 * bytes moved in it are a few digits where `{"at":1795444850354,"bytes":21474836480}` is 41
 * characters. Only whole numbers (exact in a double at every step).
 */
function compactSamples(samples: unknown): unknown {
  if (!Array.isArray(samples)) throw new NotCompact();
  const flat: number[] = [];
  let at = 0;
  let bytes = 0;
  // Anything else is kept as it is when it cannot pass for deltas (a list of objects).
  const asTheyAre = () => {
    if (samples.every(isObject)) return samples;
    throw new NotCompact();
  };
  for (const sample of samples as ThroughputSample[]) {
    if (!isObject(sample) || Object.keys(sample).length !== 2) return asTheyAre();
    const dAt = sample.at - at;
    const dBytes = sample.bytes - bytes;
    if (![sample.at, sample.bytes, dAt, dBytes].every(Number.isSafeInteger)) return asTheyAre();
    if (at + dAt !== sample.at || bytes + dBytes !== sample.bytes) return asTheyAre();
    flat.push(dAt, dBytes);
    at = sample.at;
    bytes = sample.bytes;
  }
  // An empty list stays `[]`, which reads back as no samples either way.
  return flat;
}

/** A sent key of the watch's own (`<team>:<channel>:<connection>:<kind>:<id>:…`) without that prefix. */
function shortSentKey(key: unknown, base: string): unknown {
  if (typeof key !== 'string') throw new NotCompact();
  if (key.startsWith(`${base}:`)) return key.slice(base.length);
  // A key of its own that starts with ':' would read back with the prefix added.
  if (key.startsWith(':')) throw new NotCompact();
  return key;
}

const SKIPPED = Symbol('skipped');

/** The object with its fields renamed by `table`; a field the table does not know cannot be compacted. */
function renamed(
  value: unknown,
  table: Readonly<Record<string, string>>,
  map: (field: string, value: unknown) => unknown = (_, v) => v,
  leftToKey: readonly string[] = [],
): Json {
  if (!isObject(value)) throw new NotCompact();
  onlyKnownFields(value, table, leftToKey);
  const out: Json = {};
  for (const [field, code] of entriesOf(table)) {
    const fieldValue = value[field];
    if (fieldValue === undefined) continue;
    const mapped = map(field, fieldValue);
    if (mapped !== SKIPPED) out[code] = mapped;
  }
  return out;
}

const ENTRIES = new Map<object, [string, string][]>();
/** A table's fields and codes, listed once (every write of a watch record goes through them). */
function entriesOf(table: Readonly<Record<string, string>>): readonly [string, string][] {
  let entries = ENTRIES.get(table);
  if (!entries) {
    entries = Object.entries(table);
    ENTRIES.set(table, entries);
  }
  return entries;
}

/** A field the table has no code for (nor is left to the key) cannot be said compactly. */
function onlyKnownFields(
  value: Json,
  table: Readonly<Record<string, string>>,
  alsoKnown: readonly string[] = [],
): void {
  for (const field in value)
    if (value[field] !== undefined && !Object.hasOwn(table, field) && !alsoKnown.includes(field))
      throw new NotCompact();
}

/** The target a watch key names (`watchTargetOf`), its short parts shared between reads. */
export function targetOfKey(key: string): WatchTarget | undefined {
  const parts = key.split(':');
  if (parts.length !== 6 || parts[0] !== 'w') return undefined;
  try {
    return {
      teamId: shared(unescaped(parts[1]!)),
      channelId: shared(unescaped(parts[2]!)),
      connection: shared(unescaped(parts[3]!)),
      kind: shared(parts[4]!) as WatchTarget['kind'],
      id: unescaped(parts[5]!),
    };
  } catch {
    return undefined;
  }
}

/**
 * One copy of each team, channel, connection and kind for all the records read: the plain form's
 * `JSON.parse` shared such short strings too, where a key's parts are new strings on every read
 * (about 200 bytes more per record a cycle holds). Bounded: emptied when it gets large.
 */
const SHARED = new Map<string, string>();
const SHARED_MAX = 10_000;
function shared(part: string): string {
  const known = SHARED.get(part);
  if (known !== undefined) return known;
  if (SHARED.size >= SHARED_MAX) SHARED.clear();
  SHARED.set(part, part);
  return part;
}

/** Most key parts have nothing escaped (`watchKey` escapes with `encodeURIComponent`). */
const unescaped = (part: string) => (part.includes('%') ? decodeURIComponent(part) : part);
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
function isEmptyByDefault(field: string): boolean {
  return (EMPTY_BY_DEFAULT as readonly string[]).includes(field);
}
function isSnapshotDate(field: string): boolean {
  return (SNAPSHOT_DATES as readonly string[]).includes(field);
}

/**
 * `w:team:channel:connection:` of a key with exactly six parts and nothing escaped in its id (the
 * part every watch of that channel and connection shares), else undefined (read the key whole).
 */
export function watchChannelPartOf(key: string): string | undefined {
  let at = -1;
  for (let i = 0; i < 4; i++) {
    at = key.indexOf(':', at + 1);
    if (at < 0) return undefined;
  }
  const kindEnd = key.indexOf(':', at + 1);
  if (kindEnd < 0 || key.indexOf(':', kindEnd + 1) >= 0 || key.indexOf('%', kindEnd) >= 0) return undefined;
  return key.slice(0, at + 1);
}
