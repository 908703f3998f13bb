#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readSecretFile, type SecretFile } from '../secret-file.js';
import { EXIT, HELP, USAGE } from './client-help.js';
import { evidenceCli } from './evidence-cli.js';
import { inert, inertJson, inertLines } from './terminal-text.js';

/**
 * `npx migrate-bot`: the HTTP API (docs/api.md) from a shell, for scripts and runbooks. Configured
 * by MIGRATE_BOT_URL and MIGRATE_BOT_TOKEN, else `~/.config/migrate-bot/cli.json`
 * (`{ "url": …, "token": … }`). `--json` prints the API's answers as they are. Whatever came from
 * outside is printed inert (terminal-text.ts).
 */

export { EXIT };

export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  /** Waits between polls of `watch` (tests pass one that does not sleep). */
  wait(ms: number): Promise<void>;
  readFile(path: string): string;
  /** The settings file, checked as the bot checks its secret files (secret-file.ts). */
  readSettings?(path: string): SecretFile;
  /** `evidence get --out` (tests that do not write files leave it out). */
  writeFile?(path: string, text: string): void;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'deleted']);

class CliError extends Error {
  readonly code: number;
  constructor(message: string, code: number) {
    super(message);
    this.code = code;
  }
}

function exitFor(status: number): number {
  if (status === 401) return EXIT.unauthorized;
  if (status === 403) return EXIT.forbidden;
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status === 400) return EXIT.usage;
  if (status === 429) return EXIT.unavailable;
  return status >= 500 ? EXIT.unavailable : EXIT.failed;
}

export const SETTINGS_FILE = ['.config', 'migrate-bot', 'cli.json'] as const;

/**
 * The URL and token: the environment's, else the settings file's. A file anyone on the host can
 * change is refused (whoever rewrites its `url` receives the token), one others can read is used
 * with a warning, as the bot does with its secret files.
 */
function settings(io: Io): { url: string; token: string } {
  let file: { url?: string; token?: string } = {};
  if (!io.env.MIGRATE_BOT_URL || !io.env.MIGRATE_BOT_TOKEN) {
    const path = join(io.env.HOME || homedir(), ...SETTINGS_FILE);
    const read = (io.readSettings ?? readSecretFile)(path);
    if ('problem' in read) {
      if (!read.problem.startsWith('cannot be read:') || !/\(ENOENT|ENOTDIR\)$/.test(read.problem))
        throw new CliError(
          `Refusing the CLI's settings file: it ${read.problem.replace(/^names /, 'is ')}`,
          EXIT.usage,
        );
    } else {
      if (read.warning)
        io.err(
          `warning: the CLI's settings file ${read.warning.replace(/^names /, 'is ').replace(/ \(or 0440.*$/, '')}`,
        );
      try {
        file = JSON.parse(read.content) as typeof file;
      } catch {
        throw new CliError(`The CLI's settings file is not JSON: ${path}`, EXIT.usage);
      }
    }
  }
  const url = io.env.MIGRATE_BOT_URL ?? file.url;
  const token = io.env.MIGRATE_BOT_TOKEN ?? file.token;
  if (!url || !token)
    throw new CliError(
      'Set MIGRATE_BOT_URL and MIGRATE_BOT_TOKEN (or ~/.config/migrate-bot/cli.json); migrate-bot --help says how.',
      EXIT.usage,
    );
  return { url: url.replace(/\/+$/, ''), token };
}

async function api(
  io: Io,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const { url, token } = settings(io);
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new CliError(
      `Cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}`,
      EXIT.unavailable,
    );
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok)
    throw new CliError(String(answer.detail ?? `HTTP ${response.status}`), exitFor(response.status));
  return answer;
}

const pct = (p: unknown) => (typeof p === 'number' ? ` ${Math.round(p * 100)}%` : '');
/** One resource: `connection:id  state  progress  name`, by the name Slack shows (the provider's beside). */
const line = (r: Record<string, unknown>) => {
  const shown = r.displayName ?? r.name;
  const beside = shown !== r.name ? ` (${inert(r.name)})` : '';
  return `${inert(r.connection)}:${inert(r.id)}  ${inert(r.state)}${pct(r.progress)}  ${inert(shown)}${beside}`;
};
const ref = (words: string[]) => {
  if (words.length !== 1 || !words[0]) throw new CliError(USAGE, EXIT.usage);
  return encodeURIComponent(words[0]);
};

/** Runs one command line; resolves with its exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  if (argv.some((w) => w === '--help' || w === '-h') || (argv.length === 1 && argv[0] === 'help')) {
    io.out(HELP);
    return EXIT.ok;
  }
  const json = argv.includes('--json');
  const words = argv.filter((w) => w !== '--json');
  const option = (name: string) => {
    const i = words.indexOf(name);
    if (i < 0) return undefined;
    const value = words[i + 1];
    if (!value) throw new CliError(USAGE, EXIT.usage);
    words.splice(i, 2);
    return value;
  };
  const show = (answer: unknown, text: string) => io.out(json ? inertJson(answer) : text);
  try {
    if (words[0] === 'evidence')
      return await evidenceCli(words.slice(1), { ...io, get: (path) => api(io, 'GET', path) });
    const state = option('--state');
    const every = Number(option('--every') ?? '10');
    const from = option('--from');
    const [command, ...rest] = words;
    if (command === 'status') {
      const r = await api(io, 'GET', `/api/v1/resources/${ref(rest)}`);
      show(r, line(r));
    } else if (command === 'list' && rest.length === 0) {
      const r = await api(
        io,
        'GET',
        `/api/v1/resources${state ? `?state=${encodeURIComponent(state)}` : ''}`,
      );
      const items = (r.items as Record<string, unknown>[]) ?? [];
      show(
        r,
        items.length > 0
          ? items.map(line).join('\n')
          : `nothing watched${state ? ` is ${inert(state)}` : ''}`,
      );
    } else if (command === 'pause' || command === 'resume') {
      const r = await api(io, 'POST', `/api/v1/resources/${ref(rest)}/${command}`);
      show(r, line(r));
    } else if (command === 'request' && rest[0] === 'create' && from && rest.length === 1) {
      const body = parseYaml(io.readFile(from)) as unknown;
      const r = await api(io, 'POST', '/api/v1/requests', body);
      show(
        r,
        `request ${inert(r.id)} ${inert(r.status)}: an approver decides in Slack (migrate-bot request status ${inert(r.id)})`,
      );
    } else if (command === 'request' && rest[0] === 'status' && rest.length === 2) {
      const r = await api(io, 'GET', `/api/v1/requests/${ref(rest.slice(1))}`);
      const made = r.resource as Record<string, unknown> | undefined;
      show(
        r,
        `request ${inert(r.id)} ${inert(r.status)}${made ? `: created ${inert(made.connection)}:${inert(made.id)}` : ''}`,
      );
    } else if (command === 'watch' && Number.isFinite(every) && every > 0) {
      const path = `/api/v1/resources/${ref(rest)}`;
      let last = '';
      for (;;) {
        const r = await api(io, 'GET', path);
        const now = line(r);
        if (now !== last) show(r, now);
        last = now;
        if (TERMINAL.has(String(r.state))) return r.state === 'succeeded' ? EXIT.ok : EXIT.endedBadly;
        await io.wait(every * 1000);
      }
    } else throw new CliError(USAGE, EXIT.usage);
    return EXIT.ok;
  } catch (error) {
    const code = error instanceof CliError ? error.code : EXIT.failed;
    const message = error instanceof Error ? error.message : String(error);
    io.err(json ? inertJson({ error: message, exit: code }) : inertLines(message));
    return code;
  }
}

const invoked = process.argv[1] ?? '';
if (/(?:client\.[jt]s|migrate-bot)$/.test(invoked)) {
  const io: Io = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    env: process.env,
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, text) => writeFileSync(path, text, { mode: 0o600 }),
  };
  process.exitCode = await run(process.argv.slice(2), io);
}
