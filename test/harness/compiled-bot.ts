import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** Git-ignored; Node resolves packages from the project's node_modules above it. */
export const COMPILED_DIR = path.join(ROOT, 'test-artifacts', 'watcher-build');
const LOCK = `${COMPILED_DIR}.lock`;
const STAMP = path.join(COMPILED_DIR, '.compiled-for-run');
/** A lock older than this was left by a killed run: taken over (a compile takes well under it). */
const STALE_LOCK_MS = 600_000;

/**
 * The bot compiled from `src/` and `dev/` with tsc (incrementally), for tests that run it as a
 * child process, with the benchmarks beside it (tsconfig.bench.json): CI's bench smoke run takes
 * this build instead of compiling the same files again. Once per test run (the run id from
 * test/global-setup.ts): the first file that asks compiles under a lock, the others wait for it
 * and reuse the result. Emits without checking types (`--noCheck`: typecheck is a step of its
 * own; the output is the same, in a third of the time); fails only when the entry point is missing.
 */
export function compileBot(): string {
  const run = process.env.COMPILED_BOT_RUN;
  const fresh = () => run !== undefined && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === run;
  if (fresh()) return COMPILED_DIR;
  takeLock();
  try {
    if (!fresh()) {
      compile();
      if (run) writeFileSync(STAMP, run);
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
  return COMPILED_DIR;
}

function takeLock(): void {
  // The lock's folder: a fresh clone has no test-artifacts/ yet (mkdir of the lock would say ENOENT).
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 900_000;
  for (;;) {
    try {
      mkdirSync(LOCK, { recursive: false });
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch {
      if (abandoned()) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another test run holds ${LOCK}`);
      // A synchronous wait: the callers (module set-up) are synchronous.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

/** The lock's holder is gone (killed mid-compile) or has held it far longer than a compile takes. */
function abandoned(): boolean {
  try {
    if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number(readFileSync(path.join(LOCK, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // ESRCH: no such process. ENOENT: the lock went away, or its pid file is not written yet.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function compile(): void {
  mkdirSync(COMPILED_DIR, { recursive: true });
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(
    process.execPath,
    [
      tsc,
      '-p',
      path.join(ROOT, 'tsconfig.bench.json'),
      '--outDir',
      COMPILED_DIR,
      '--incremental',
      '--tsBuildInfoFile',
      path.join(COMPILED_DIR, '.tsbuildinfo'),
      '--sourceMap',
      'false',
      '--noCheck',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  if (!existsSync(path.join(COMPILED_DIR, 'src', 'bot.js')))
    throw new Error(`tsc produced no bot.js:\n${result.stdout}\n${result.stderr}`);
}
