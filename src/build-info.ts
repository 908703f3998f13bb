import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What is running: the start-up log line and the `migrate_bot_build_info` gauge name it. */
export interface BuildInfo {
  /** package.json's version. */
  version: string;
  /** The commit the image was built from (`MIGRATE_BOT_REVISION`, the image's build argument). */
  revision: string;
  /** `process.version`, e.g. v26.10.0. */
  node: string;
}

const UNKNOWN = 'unknown';
/** A commit hash or a tag: a bounded label value, so a stray setting cannot flood the metrics. */
const REVISION = /^[\w.+-]{1,64}$/;

let packageVersion: string | undefined;

/**
 * The version of the package.json that ships with this code, read once. It sits one level above
 * `src/` in a clone and two above `dist/src/` in a build (the image copies it to /app), so the
 * nearest ancestor named migrate-bot is taken.
 */
function readPackageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 4; level++) {
    dir = path.dirname(dir);
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'migrate-bot' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json at this level: look one higher.
    }
  }
  return UNKNOWN;
}

/**
 * The revision comes from the environment the image sets at build time, never from git: the image
 * has no .git, and a clone's working tree may not be what was built.
 */
export function buildInfo(env: Record<string, string | undefined>): BuildInfo {
  packageVersion ??= readPackageVersion();
  const revision = env.MIGRATE_BOT_REVISION?.trim() ?? '';
  return {
    version: packageVersion,
    revision: REVISION.test(revision) ? revision : UNKNOWN,
    node: process.version,
  };
}
