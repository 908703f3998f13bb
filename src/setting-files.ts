import { readFileSync } from 'node:fs';

/** The suffix of a setting read from a file: `SLACK_BOT_TOKEN_FILE=/run/secrets/slack-bot-token`. */
export const FILE_SUFFIX = '_FILE';

export interface SettingFiles {
  /** The settings with each `<NAME>_FILE` read into `<NAME>`. */
  env: Record<string, string | undefined>;
  /** One line per file that cannot be used, naming the setting and the path, never the content. */
  problems: string[];
  /** The settings whose file could not be used (their own checks would only repeat the problem). */
  failed: Set<string>;
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
  const failed = new Set<string>();
  for (const name of names) {
    const file = env[name + FILE_SUFFIX]?.trim();
    if (!file) continue;
    const fail = (problem: string) => {
      problems.push(`${name}${FILE_SUFFIX} ${problem}`);
      failed.add(name);
      out[name] = undefined;
    };
    if ((env[name] ?? '') !== '') {
      fail(`and ${name} are both set: set only one of them`);
      continue;
    }
    let content: string;
    try {
      content = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    } catch (error) {
      fail(`cannot be read: ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      continue;
    }
    if (content === '') fail(`names an empty file: ${file}`);
    else out[name] = content;
  }
  return { env: out, problems, failed };
}
