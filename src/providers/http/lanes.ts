/**
 * Who waits for a provider call: a person (a command, a button, a form, App Home, a workflow step)
 * or nobody but the watcher. Said by whoever takes the provider (`ConnectionRegistry.provider`),
 * never guessed from context: only `background` calls queue for the provider's lanes.
 */
export type CallPurpose = 'interactive' | 'background';

/**
 * At most `size` holders at once, served in the order they asked. Background requests (the
 * watcher's) hold a provider's lane only while they are on the wire (see `PoolRegistry`), so what
 * the watcher does with a response, and the store's work around a connection's poll, overlap other
 * connections' requests instead of leaving the provider's lanes idle meanwhile.
 */
export class Lanes {
  readonly #size: number;
  #held = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#held >= this.#size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#held++;
    try {
      return await work();
    } finally {
      // The lane passes straight to the next in line, so `#held` stays counted for it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#held--;
    }
  }
}
