/**
 * What the poll benchmark's world (`poll-world.ts`) watches for the replica rows (issue #41), from
 * outside every replica: when each connection's simulator last served a request (the longest gap
 * is how long a connection went unpolled), and which ending resources Slack heard about, and
 * which posts it got twice.
 */

/** Samples each connection's request count; a change means it was polled since the last sample. */
export class GapSampler {
  /** How often the counts are read: the gaps are exact to this. */
  static readonly SAMPLE_MS = 50;
  readonly #count: () => number[];
  readonly #names: string[];
  #last: number[] = [];
  #lastAt: number[] = [];
  #longest: number[] = [];
  /** When each connection's longest gap ended (wall ms). */
  #endedAt: number[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(names: string[], count: () => number[]) {
    this.#names = names;
    this.#count = count;
  }

  /** Starts a window: every connection counts as polled now. */
  start(): void {
    this.stop();
    const now = Date.now();
    this.#last = this.#count();
    this.#lastAt = this.#last.map(() => now);
    this.#longest = this.#last.map(() => 0);
    this.#endedAt = this.#last.map(() => now);
    this.#timer = setInterval(() => this.#sample(), GapSampler.SAMPLE_MS);
  }

  /** The counts were reset (`resetStats`): what they are now is the new baseline. */
  rebase(): void {
    if (this.#timer) this.#last = this.#count();
  }

  #sample(): void {
    const now = Date.now();
    const counts = this.#count();
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] !== this.#last[i]) {
        if (now - this.#lastAt[i]! > this.#longest[i]!) {
          this.#longest[i] = now - this.#lastAt[i]!;
          this.#endedAt[i] = now;
        }
        this.#lastAt[i] = now;
        this.#last[i] = counts[i]!;
      }
    }
  }

  /** The longest gap of the window so far (a gap still open counts up to now). */
  longest(): { ms: number; connection: string; endedAt: number } {
    this.#sample();
    const now = Date.now();
    let ms = 0;
    let connection = '';
    let endedAt = now;
    for (let i = 0; i < this.#names.length; i++) {
      const open = now - (this.#lastAt[i] ?? now);
      const gap = Math.max(this.#longest[i] ?? 0, open);
      if (gap > ms) {
        ms = gap;
        connection = this.#names[i]!;
        endedAt = gap === open ? now : this.#endedAt[i]!;
      }
    }
    return { ms, connection, endedAt };
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** Resource names the world gave (`bench-<n>`), as posts name them. */
const NAME = /bench-\d+/g;

export interface PostFigures {
  /** Resources that ended in the step being watched. */
  transitions: number;
  /** Of those, named by no post Slack accepted since the step. */
  lost: number;
  /** Posts Slack accepted that repeat one it accepted before (same channel, thread and content). */
  duplicated: number;
  posts: number;
  /** Posts Slack accepted in each 10 s since the step: its pace shows as bursts and silences. */
  perTenSeconds?: number[];
  /** The first few posts said twice, by their dedup key (metadata), to find out why. */
  twice?: string[];
}

/** Which ending resources were said, and posts said twice, per busy step ("wave"). */
export class PostTracker {
  readonly #ending = new Map<number, Set<string>>();
  #wave: number | undefined;
  #named = new Set<string>();
  #seen = new Set<string>();
  #duplicated = 0;
  #twice: string[] = [];
  #posts = 0;
  #stepAt = 0;
  #perTen: number[] = [];

  /** `name` ends (finishes or fails) in busy step `wave`. */
  ending(name: string, wave: number): void {
    const set = this.#ending.get(wave) ?? new Set<string>();
    set.add(name);
    this.#ending.set(wave, set);
  }

  /** Busy step `wave` starts: counting starts over. */
  step(wave: number): void {
    this.#wave = wave;
    this.#named = new Set();
    this.#seen = new Set();
    this.#duplicated = 0;
    this.#twice = [];
    this.#posts = 0;
    this.#stepAt = Date.now();
    this.#perTen = [];
  }

  /** A call the fake Slack answered. */
  call(call: { method: string; body: Record<string, unknown> }, answer: Record<string, unknown>): void {
    if (this.#wave === undefined || call.method !== 'chat.postMessage' || answer.ok !== true) return;
    const { channel, thread_ts: thread, text, blocks } = call.body;
    const key = JSON.stringify([channel, thread ?? '', text, blocks]);
    this.#posts++;
    const ten = Math.floor((Date.now() - this.#stepAt) / 10_000);
    while (this.#perTen.length <= ten) this.#perTen.push(0);
    this.#perTen[ten]!++;
    if (this.#seen.has(key)) {
      this.#duplicated++;
      if (this.#twice.length < TWICE_NAMED) this.#twice.push(dedupKey(call.body));
    } else this.#seen.add(key);
    const ending = this.#ending.get(this.#wave);
    if (!ending) return;
    for (const m of JSON.stringify([text, blocks]).matchAll(NAME))
      if (ending.has(m[0])) this.#named.add(m[0]);
  }

  figures(): PostFigures {
    const ending = this.#ending.get(this.#wave ?? -1) ?? new Set();
    return {
      transitions: ending.size,
      lost: ending.size - this.#named.size,
      duplicated: this.#duplicated,
      posts: this.#posts,
      perTenSeconds: [...this.#perTen],
      twice: [...this.#twice],
    };
  }
}

const TWICE_NAMED = 5;

/** A post's dedup key (the watcher's metadata), or where it went when it has none. */
function dedupKey(body: Record<string, unknown>): string {
  const key = (body.metadata as { event_payload?: { key?: unknown } } | undefined)?.event_payload?.key;
  return typeof key === 'string' ? key : `${String(body.channel)}/${String(body.thread_ts ?? '')}`;
}
