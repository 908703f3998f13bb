import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readSecretFile } from './secret-file.js';

/** The suffix of a setting read from a file: `SLACK_BOT_TOKEN_FILE=/run/secrets/slack-bot-token`. */
export const FILE_SUFFIX = '_FILE';

/**
 * A folder with one file per setting (Kubernetes Secrets mounted as a volume): a setting that may
 * come from a file, or a variable the connections file names, set neither as `<NAME>` nor as
 * `<NAME>_FILE`, is read from `<dir>/<NAME>` when that file exists.
 */
export const SETTINGS_DIR = 'MIGRATE_BOT_SETTINGS_DIR';

export const isFolder = (dir: string): boolean =>
  statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
export const IS_FOLDER = 'must name a folder that exists (a Secret mounted as a volume)';

export interface SettingFiles {
  /** The settings with each `<NAME>_FILE` read into `<NAME>`. */
  env: Record<string, string | undefined>;
  /** One line per file that cannot be used, naming the setting and the path, never the content. */
  problems: string[];
  /** The settings whose file could not be used (their own checks would only repeat the problem). */
  failed: Set<string>;
  /** One line per file read that others may read or change, with the fix (secret-file.ts). */
  warnings: string[];
}

/**
 * Secrets mounted as files (a Kubernetes Secret volume, Docker secrets) instead of environment
 * variables, which child processes, `/proc/<pid>/environ` and crash reports can show. The file's
 * content is the value, without the line end editors add. Setting both `<NAME>` and
 * `<NAME>_FILE` is a mistake (which one wins?), reported like any other problem.
 */
export function readSettingFiles(
  env: Record<string, string | undefined>,
  names: readonly string[],
): SettingFiles {
  const out: Record<string, string | undefined> = { ...env };
  const problems: string[] = [];
  const warnings: string[] = [];
  const failed = new Set<string>();
  const dir = env[SETTINGS_DIR]?.trim();
  for (const name of names) {
    let file = env[name + FILE_SUFFIX]?.trim();
    let label = name + FILE_SUFFIX;
    // From the folder only what is set no other way (a key the Secret lacks stays unset).
    if (!file && dir && (env[name] ?? '') === '' && existsSync(path.join(dir, name))) {
      file = path.join(dir, name);
      label = `${name} (in ${SETTINGS_DIR})`;
    }
    if (!file) continue;
    const fail = (problem: string) => {
      problems.push(`${label} ${problem}`);
      failed.add(name);
      out[name] = undefined;
    };
    if ((env[name] ?? '') !== '') {
      fail(`and ${name} are both set: set only one of them`);
      continue;
    }
    const read = readSecretFile(file);
    if ('problem' in read) {
      fail(read.problem);
      continue;
    }
    if (read.warning) warnings.push(`${label} ${read.warning}`);
    const content = read.content;
    // An empty key of a mounted Secret (`--from-env-file` with `NAME=`) is a setting left unset.
    if (content === '' && label !== name + FILE_SUFFIX) out[name] = undefined;
    else if (content === '') fail(`names an empty file: ${file}`);
    else out[name] = content;
  }
  return { env: out, problems, failed, warnings };
}
