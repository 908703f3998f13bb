import { EVIDENCE_USAGE } from './evidence-cli.js';

/** What a script can tell apart (docs/api.md, "The CLI"). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  unauthorized: 3,
  forbidden: 4,
  notFound: 5,
  conflict: 6,
  unavailable: 7,
  /** `watch`: the migration ended, but not in success. */
  endedBadly: 8,
} as const;

/** What each exit code means, for `--help` (the same table as docs/api.md). */
const EXIT_MEANINGS: Record<number, string> = {
  [EXIT.ok]: 'done (watch: it succeeded)',
  [EXIT.failed]: 'failed otherwise',
  [EXIT.usage]:
    'usage: unknown command or option, missing or refused settings, a request the API refused as invalid (400)',
  [EXIT.unauthorized]: 'unauthorized (401: no token, or an unknown, revoked or expired one)',
  [EXIT.forbidden]: "forbidden (403: the token's role does not allow it there)",
  [EXIT.notFound]: 'not found (404)',
  [EXIT.conflict]: 'ambiguous (409: the reference matches several resources)',
  [EXIT.unavailable]:
    "the bot, the store or a provider is unavailable (5xx, unreachable), or the token's rate was reached (429): try again later",
  [EXIT.endedBadly]: 'watch: it ended, but not in success (failed, cancelled, deleted)',
};

export const USAGE = `usage: migrate-bot <command> [--json]
  status <ref>                    one resource
  list [--state <state>]          the workspace's watched resources (the words /migrate list takes:
                                  waiting, running, paused, failed, done, active, all…)
  pause <ref> | resume <ref>      (an operator token)
  request create --from <file>    ask for a migration (YAML or JSON: connection, kind, details, channel)
  request status <id>             a request, until an approver decides
  watch <ref> [--every <s>]       follows it until it ends (exit 0 succeeded, 8 otherwise)
${EVIDENCE_USAGE}
  --help                          this help, its settings and exit codes`;

/** `migrate-bot --help`: on stdout, exit 0. */
export const HELP = [
  "migrate-bot: the bot's HTTP API (/api/v1) from a shell, for scripts and runbooks.",
  '',
  USAGE,
  '',
  'Settings (the environment wins; the file is read only when one is missing):',
  "  MIGRATE_BOT_URL     the bot's address, e.g. https://migrate-bot.example.com",
  '                      (the playground prints its own when it starts)',
  '  MIGRATE_BOT_TOKEN   an API token (mbt_…): a workspace admin makes one in Slack with',
  '                      /migrate token add <name> viewer|operator [#channel]',
  '  ~/.config/migrate-bot/cli.json   {"url": "…", "token": "mbt_…"}, mode 600: refused when anyone',
  '                      on the host can change it, a warning when others can read it',
  '',
  '--json prints each answer as the API gave it, one JSON document a line; errors go to stderr',
  'as {"error": "…", "exit": n}. Names and messages from the bot are printed inert: control',
  'characters show as \\x1b and the like.',
  '',
  'Exit codes:',
  ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `  ${code}  ${meaning}`),
].join('\n');
