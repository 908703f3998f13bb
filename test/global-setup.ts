import { randomUUID } from 'node:crypto';

/**
 * Once per run, before any test file: a run id the forked workers inherit. The tests that start
 * the bot as a child process compile it through `compileBot()`, which compiles once per run id
 * under a lock (three files used to compile into one folder at the same time, with no lock).
 */
export default function setup(): void {
  process.env.COMPILED_BOT_RUN ??= randomUUID();
}
