import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** Git-ignored; Node resolves packages from the project's node_modules above it. */
export const COMPILED_DIR = path.join(ROOT, 'test-artifacts', 'watcher-build');

/**
 * Compiles `src/` and `dev/` with tsc (incrementally) for tests that run the bot as child processes: there is
 * no TypeScript loader at run time on Node 20. Emits even when another file has a type error
 * (typecheck is a separate step); fails only when the entry point is missing.
 */
export function compileBot(): string {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(
    process.execPath,
    [
      tsc,
      '-p',
      path.join(ROOT, 'tsconfig.local.json'),
      '--outDir',
      COMPILED_DIR,
      '--incremental',
      '--tsBuildInfoFile',
      path.join(COMPILED_DIR, '.tsbuildinfo'),
      '--sourceMap',
      'false',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  if (!existsSync(path.join(COMPILED_DIR, 'src', 'bot.js')))
    throw new Error(`tsc produced no bot.js:\n${result.stdout}\n${result.stderr}`);
  return COMPILED_DIR;
}
