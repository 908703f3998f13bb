/**
 * At most `size` holders at once, served in the order they asked. The poll cycle holds a
 * provider's lane only while it talks to that provider, so the store reads and writes around one
 * connection's requests overlap another connection's requests instead of adding to them.
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
