import type { ThroughputSample } from '../../reports/throughput-samples.js';
import { viaOfBefore } from '../../resources/last-actions.js';
import type { WatchTarget } from './watch-store.js';

/**
 * Reads a compact watch record back (codes in record-codec.ts). Every cycle reads every watch, so it goes
 * field by field with literal codes: a loop over the tables costs twice as much (keyed loads); the
 * round-trip tests check it against the tables. Absent stays absent (no property holding `undefined`);
 * fields left out at their usual value come back with it.
 */

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by its codes
export type Compact = Record<string, any>;
type Json = Record<string, unknown>;

export function expandRecord(c: Compact, target: WatchTarget, key: string): Json {
  const r: Json = {
    watch: expandWatch(c.w, target),
    snapshot: expandSnapshot(c.s, target),
    actions: c.a === undefined ? [] : c.a,
  };
  if (c.st !== undefined) r.state = c.st;
  r.run = c.r === undefined ? 1 : c.r;
  r.seq = c.q === undefined ? 0 : c.q;
  if (c.le !== undefined) r.lastEvent = c.le;
  r.started = c.sd === undefined ? true : c.sd;
  if (c.pm !== undefined) r.progressMark = c.pm;
  if (c.m !== undefined) r.movedAt = c.m;
  r.stalled = c.sl === undefined ? false : c.sl;
  if (c.ls !== undefined) r.lastSpeed = c.ls;
  r.stallSeq = c.ss === undefined ? 0 : c.ss;
  r.ended = c.e === undefined ? false : c.e;
  if (c.bk !== undefined) r.broken = c.bk;
  if (c.br !== undefined) r.breaks = c.br;
  if (c.rq !== undefined) r.requested = c.rq;
  if (c.fa !== undefined) r.failedAt = c.fa;
  if (c.cf !== undefined) r.facts = c.cf;
  if (c.f !== undefined) r.follow = c.f;
  if (c.vi !== undefined) r.via = c.vi;
  if (c.x !== undefined) r.explicit = c.x;
  if (c.g !== undefined) r.group = c.g;
  if (c.sm !== undefined) r.samples = expandSamples(c.sm);
  // The card is stored where earlier builds read it (`pt`, `c`): it is read back as the first post.
  if (c.pt !== undefined) r.posts = [expandCard(c.pt, c.c, target.channelId), ...(c.po ?? [])];
  else if (c.po !== undefined) r.posts = c.po;
  r.outbox = c.o === undefined ? [] : c.o;
  r.sent = c.sn === undefined ? [] : fullSentKeys(c.sn, target, key);
  return c.wn === undefined && c.es === undefined && c.vf === undefined && c.cl === undefined
    ? r
    : factsOfBefore(r, { windows: c.wn, escalation: c.es, verification: c.vf, claim: c.cl });
}

function expandWatch(c: Compact | undefined, t: WatchTarget): Json {
  const watch: Json = {
    teamId: t.teamId,
    channelId: t.channelId,
    connection: t.connection,
    kind: t.kind,
    id: t.id,
  };
  if (c === undefined) return watch;
  if (c.b !== undefined) watch.by = c.b;
  if (c.c !== undefined) watch.createdAt = c.c;
  if (c.o !== undefined) watch.origin = c.o;
  return watch;
}

function expandSnapshot(c: Compact | undefined, t: WatchTarget): Json {
  const s: Json = {};
  if (c?.p !== undefined) s.provider = c.p;
  s.connection = t.connection;
  s.kind = t.kind;
  s.id = t.id;
  if (c === undefined) return s;
  if (c.n !== undefined) s.name = c.n;
  if (c.s !== undefined) s.state = c.s;
  if (c.r !== undefined) s.rawStatus = c.r;
  if (c.g !== undefined) s.progress = c.g;
  if (c.b !== undefined) s.bytes = expandCounter(c.b);
  if (c.o !== undefined) s.objects = expandCounter(c.o);
  if (c.v !== undefined) s.speed = c.v;
  if (c.eta !== undefined) s.etaSeconds = c.eta;
  if (c.sc !== undefined) s.scanning = c.sc;
  if (c.src !== undefined) s.source = expandEndpoint(c.src);
  if (c.dst !== undefined) s.destination = expandEndpoint(c.dst);
  if (c.err !== undefined) s.lastError = c.err;
  if (c.fol !== undefined) s.failedObjectList = c.fol;
  if (c.rc !== undefined) s.reconciliation = c.rc;
  if (c.gid !== undefined) s.groupId = c.gid;
  if (c.sa !== undefined) s.startedAt = new Date(c.sa);
  if (c.ca !== undefined) s.createdAt = new Date(c.ca);
  if (c.ua !== undefined) s.updatedAt = new Date(c.ua);
  if (c.el !== undefined) s.elapsedSeconds = c.el;
  if (c.u !== undefined) s.unreadable = c.u;
  return s;
}

function expandCounter(c: Compact): Json {
  const counter: Json = {};
  if (c.d !== undefined) counter.done = c.d;
  if (c.f !== undefined) counter.failed = c.f;
  if (c.k !== undefined) counter.skipped = c.k;
  if (c.t !== undefined) counter.total = c.t;
  return counter;
}

function expandEndpoint(c: Compact): Json {
  const endpoint: Json = {};
  if (c.c !== undefined) endpoint.cloud = c.c;
  if (c.r !== undefined) endpoint.region = c.r;
  if (c.b !== undefined) endpoint.bucket = c.b;
  if (c.p !== undefined) endpoint.prefix = c.p;
  return endpoint;
}

/** The card post (`CardPost`) of a stored card: its `ts` and what it showed. */
function expandCard(ts: string, c: Compact | undefined, channel: string): Json {
  const shown: Json = {};
  const card: Json = { kind: 'card', channel, ts, dirty: c?.d === undefined ? false : c.d, shown };
  if (c === undefined) return card;
  if (c.s !== undefined) shown.state = c.s;
  if (c.p !== undefined) shown.progress = c.p;
  if (c.e !== undefined) shown.at = c.e;
  return card;
}

/** Samples stored as deltas (`[at₀, bytes₀, Δat₁, Δbytes₁, …]`), or as they were (objects). */
function expandSamples(c: unknown): unknown {
  if (!Array.isArray(c) || typeof c[0] !== 'number') return c;
  const samples: ThroughputSample[] = [];
  let at = 0;
  let bytes = 0;
  for (let i = 0; i + 1 < c.length; i += 2) {
    at += c[i] as number;
    bytes += c[i + 1] as number;
    samples.push({ at, bytes });
  }
  return samples;
}

function fullSentKeys(keys: readonly string[], target: WatchTarget, watchKey: string): string[] {
  // Without anything escaped the key is `w:` and the base: a slice of it, where the base built
  // from its five parts is a tree of nine concatenations (about 300 bytes more per record read).
  const base = watchKey.includes('%') ? dedupBaseOf(target) : watchKey.slice(2);
  return keys.map((key) => (key.startsWith(':') ? base + key : key));
}

/** The stable part of every dedup key (watch-store.ts exports it as `dedupBase`). */
export const dedupBaseOf = (t: WatchTarget) => `${t.teamId}:${t.channelId}:${t.connection}:${t.kind}:${t.id}`;

/**
 * Fields of records written before capabilities kept their facts under `facts`, by the fact each
 * is read as (and the member of it, for one that is part of a fact): the window pass's (`windows`,
 * compact `wn`), a failure's escalation (`escalation`, compact `es`, on-call's), who is on a
 * failure (`claim`, compact `cl`: on-call's `onFailure`) and a run's verification (`verification`,
 * compact `vf`). Only ever read: a record written again keeps them under `facts`.
 */
const CLAIM_BEFORE = ['on-call', 'onFailure'] as const;
const FACTS_BEFORE: Readonly<Record<string, readonly [fact: string, member?: string]>> = {
  windows: ['windows'],
  escalation: ['on-call'],
  claim: CLAIM_BEFORE,
  verification: ['verification'],
};

/** The record with the fields above moved under `facts` (`before`: a compact record's, by field). */
export function factsOfBefore(
  record: Json,
  before: Record<string, unknown> = Object.fromEntries(
    Object.keys(FACTS_BEFORE).map((field) => [field, record[field]]),
  ),
): Json {
  const rest = { ...record };
  for (const field of Object.keys(FACTS_BEFORE)) delete rest[field];
  const found: Json = {};
  for (const [field, value] of Object.entries(before)) {
    const [fact, member] = FACTS_BEFORE[field] ?? [];
    if (value === undefined || fact === undefined) continue;
    const was = found[fact];
    if (member) found[fact] = { ...(isJson(was) ? was : {}), [member]: value };
    else found[fact] = isJson(was) && isJson(value) ? { ...value, ...was } : value;
  }
  if (Object.keys(found).length === 0) return rest;
  const facts = (typeof rest.facts === 'object' && rest.facts !== null ? rest.facts : {}) as Json;
  const merged = { ...found };
  for (const [name, fact] of Object.entries(facts))
    merged[name] = isJson(fact) && isJson(merged[name]) ? { ...merged[name], ...fact } : fact;
  return { ...rest, facts: merged };
}

const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Posts of a capability that earlier builds recorded as the core's own: a post of kind
 * `verification` (its `was.at` names it) and an outbox note of that kind (the note is the view).
 * Read as that capability's posts in the thread (`thread-views.ts`, id: the `at`), so an old post
 * is still edited once signed off and an old entry still posted; written back in the new form.
 */
const POSTS_BEFORE: ReadonlySet<unknown> = new Set(['verification']);

/**
 * Notes earlier builds stored as the core's own kinds, read as the capability's that draws them now: a time
 * window's refusal (`window-refused`: its view note), a delta run's chain line (kind `chain`: a `SaidNote`),
 * an escalation step (an event with `escalation`: on-call's); an event's and `requested`'s `via`.
 */
const NOTES_BEFORE: Readonly<Record<string, string>> = { 'window-refused': 'windows' };
const SAID_BEFORE: Readonly<Record<string, string>> = { chain: 'delta-runs' };
const EVENT_FIELD_BEFORE: readonly [field: string, capability: string] = ['escalation', 'on-call'];

function noteBefore(e: Json): Json | undefined {
  const note = e.note as Json | undefined;
  if (!note) return undefined;
  const kind = note.kind as string;
  if (POSTS_BEFORE.has(kind)) return { kind: 'view', capability: kind, id: String(note.at), view: note };
  if (Object.hasOwn(NOTES_BEFORE, kind))
    return { kind: 'view', capability: NOTES_BEFORE[kind], id: String(e.key ?? ''), view: note };
  if (Object.hasOwn(SAID_BEFORE, kind)) return { kind: 'said', capability: SAID_BEFORE[kind], note };
  if (kind !== 'event') return undefined;
  const read = viaOfBefore(note);
  const [field, capability] = EVENT_FIELD_BEFORE;
  if (read[field] !== undefined && read.capability === undefined) return { ...read, capability };
  return read === note ? undefined : read;
}

export function viewsOfBefore(record: Json): Json {
  if (record.requested) record.requested = viaOfBefore(record.requested as Json);
  const posts = record.posts as Json[] | undefined;
  const outbox = record.outbox as Json[] | undefined;
  const oldNote = (e: Json) => noteBefore(e) !== undefined;
  if (!posts?.some((p) => POSTS_BEFORE.has(p.kind)) && !outbox?.some(oldNote)) return record;
  const rest = { ...record };
  if (posts)
    rest.posts = posts.map((p) =>
      POSTS_BEFORE.has(p.kind)
        ? { ...p, kind: 'view', capability: p.kind, id: String((p.was as Json | undefined)?.at) }
        : p,
    );
  if (outbox)
    rest.outbox = outbox.map((e) => {
      const note = noteBefore(e);
      return note ? { ...e, note } : e;
    });
  return rest;
}

/**
 * A listing line's `now` kept by an earlier build (in the channel record), with who was on the failure as
 * its `claim`: read as on-call's fact of the failure, as a record's `claim` is; its `requested`'s `via`.
 */
export function liveNowOfBefore<T extends object>(now: T): T {
  const { claim, ...rest } = now as T & { claim?: unknown; requested?: object };
  if (rest.requested) rest.requested = viaOfBefore(rest.requested);
  if (claim === undefined) return rest as T;
  const [fact, member] = CLAIM_BEFORE;
  return { ...rest, facts: { [fact]: { [member]: claim } } } as T;
}
