/**
 * A job gets `release`: calling it gives its slot back before the job ends (idempotent), for work
 * that goes on waiting without using the CPU (a provider that does not answer). The slot is
 * released anyway when the job settles.
 */
export type WorkJob = (release: () => void) => Promise<void>;

export interface FairWorkQueueOptions {
  /** Jobs holding a slot at once, all keys together. */
  maxRunning: number;
  /** Jobs of one key holding a slot at once: the rest of the slots stay open to the other keys. */
  maxRunningPerKey: number;
  /** A job that rejects is logged here; it still gives its slot back. */
  onError: (error: unknown) => void;
}

/**
 * Runs jobs a bounded number at a time, fairly across keys (workspaces): each key has its own
 * first-come-first-served lane, the lanes take turns (round robin), and no key holds more than
 * `maxRunningPerKey` slots. A burst from one workspace, even one whose jobs all hang, cannot keep
 * another workspace's jobs waiting behind it. Each job starts on a later turn of the event loop,
 * so the acks of requests still arriving are written before any reply work runs.
 */
export class FairWorkQueue {
  readonly #options: FairWorkQueueOptions;
  /** Waiting jobs per key, oldest first; a key is present while it has waiting jobs. */
  readonly #lanes = new Map<string, WorkJob[]>();
  /** Keys with waiting jobs in the order they get their next turn. */
  #turns: string[] = [];
  readonly #runningByKey = new Map<string, number>();
  #running = 0;

  constructor(options: FairWorkQueueOptions) {
    if (options.maxRunningPerKey < 1 || options.maxRunning < options.maxRunningPerKey)
      throw new Error('FairWorkQueue: need 1 ≤ maxRunningPerKey ≤ maxRunning');
    this.#options = options;
  }

  /** Jobs holding a slot now. */
  get running(): number {
    return this.#running;
  }

  /** Jobs of `key` holding a slot now. */
  runningFor(key: string): number {
    return this.#runningByKey.get(key) ?? 0;
  }

  /** Jobs not started yet. */
  get waiting(): number {
    let total = 0;
    for (const lane of this.#lanes.values()) total += lane.length;
    return total;
  }

  push(key: string, job: WorkJob): void {
    const lane = this.#lanes.get(key);
    if (lane) lane.push(job);
    else {
      this.#lanes.set(key, [job]);
      this.#turns.push(key);
    }
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.#options.maxRunning) {
      const key = this.#nextKey();
      if (key === undefined) return;
      const lane = this.#lanes.get(key)!;
      const job = lane.shift()!;
      if (lane.length === 0) this.#lanes.delete(key);
      this.#start(key, job);
    }
  }

  /** The first key in turn order below its cap; it moves to the back (or leaves, lane empty). */
  #nextKey(): string | undefined {
    const index = this.#turns.findIndex((key) => this.runningFor(key) < this.#options.maxRunningPerKey);
    if (index < 0) return undefined;
    const key = this.#turns[index]!;
    this.#turns.splice(index, 1);
    if ((this.#lanes.get(key)?.length ?? 0) > 1) this.#turns.push(key);
    return key;
  }

  #start(key: string, job: WorkJob): void {
    this.#running++;
    this.#runningByKey.set(key, this.runningFor(key) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#running--;
      const left = this.runningFor(key) - 1;
      if (left > 0) this.#runningByKey.set(key, left);
      else this.#runningByKey.delete(key);
      this.#pump();
    };
    setImmediate(() => {
      let work: Promise<void>;
      try {
        work = job(release);
      } catch (error) {
        work = Promise.reject(error);
      }
      work.catch(this.#options.onError).finally(release);
    });
  }
}
