import path from 'node:path';
import { z } from 'zod';
import { parseAllowList } from './connections/endpoint-policy.js';
import { parseKeyRing } from './crypto/secret-box.js';
import { ConfigError } from './errors.js';
import { FILE_SUFFIX, IS_FOLDER, isFolder, readSettingFiles, SETTINGS_DIR } from './setting-files.js';
import { mebibytes, seconds, settingPairProblems } from './setting-rules.js';
import { STORE_FILE_SETTINGS, storeTls, storeTlsSettings, storeUrlSetting } from './store/store-settings.js';
import { escapeRegExp, urlCredentials } from './url-credentials.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const urlString = (hint: string) =>
  z.string().refine((value) => URL.canParse(value) && /^https?:/.test(value), {
    message: `must be an http(s) URL (${hint})`,
  });

/** A key ring, `k2:<base64>,k1:<base64>` (32 bytes each): the encryption keys, the evidence keys. */
const keyRingProblems = (value: string, ctx: z.RefinementCtx) => {
  for (const problem of parseKeyRing(value).problems) ctx.addIssue({ code: 'custom', message: problem });
};
const keyRingSetting = () =>
  z.preprocess(emptyToUndefined, z.string().superRefine(keyRingProblems).optional());
/** A cap per workspace: a whole number from 1 up (a cap of 0 would switch the feature off). */
const capSetting = (what: string, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: `must be a number of ${what}` })
      .int(`must be a whole number of ${what}`)
      .min(1, `must be at least 1 (the most ${what} a workspace may have)`)
      .max(1_000_000, 'must be at most 1000000')
      .default(fallback),
  );

/** METRICS_PORT when unset: 9090, or with PORT=0 (any free port: tests, the playground) any free one too. */
const DEFAULT_METRICS_PORT = 9090;

/** Every setting, validated once at start-up; see README "Configuration". */
export const configSchema = z
  .object({
    SLACK_SIGNING_SECRET: z
      .string({ message: 'is required (Slack app → Basic Information → Signing Secret)' })
      .min(1),
    // One workspace: SLACK_BOT_TOKEN. Many workspaces (OAuth): the three SLACK_CLIENT_* / STATE
    // settings instead; createConfig checks that exactly one of the two sets is given.
    SLACK_BOT_TOKEN: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^xox[bp]-/, 'must be a bot token starting with xoxb-')
        .optional(),
    ),
    SLACK_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    SLACK_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    SLACK_STATE_SECRET: z.preprocess(
      emptyToUndefined,
      z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional(),
    ),
    SLACK_REDIRECT_URI: z.preprocess(emptyToUndefined, urlString('the OAuth redirect URL').optional()),
    MIGRATE_BOT_ENCRYPTION_KEYS: keyRingSetting(),
    MIGRATE_BOT_EVIDENCE_KEYS: keyRingSetting(),
    MIGRATE_BOT_ALLOWED_ENDPOINTS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .superRefine((value, ctx) => {
          for (const problem of parseAllowList(value).problems)
            ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
    ),
    SLACK_APP_TOKEN: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^xapp-/, 'must be an app-level token starting with xapp- (or unset for HTTP mode)')
        .optional(),
    ),
    PORT: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be a port number' })
        .int()
        .min(0, 'must be a port number (0 picks a free one)')
        .max(65535, 'must be a port number')
        .default(3000),
    ),
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    // Probes and /metrics on a port of their own, never the one Slack's requests come in on.
    METRICS_PORT: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be a port number' })
        .int()
        .min(0, 'must be a port number (0 picks a free one)')
        .max(65535, 'must be a port number')
        .optional(),
    ),
    // On SIGTERM: readiness fails at once, requests are still served this long (endpoints are
    // being removed), then new ones get 503 and the accepted ones finish, all within the timeout.
    SHUTDOWN_DELAY_SECONDS: seconds('a shutdown delay', 0, 300, 5),
    DRAIN_TIMEOUT_SECONDS: seconds('a drain timeout', 1, 3_600, 40),
    SLACK_API_URL: z.preprocess(
      emptyToUndefined,
      urlString('Slack Web API base').default('https://slack.com/api/'),
    ),
    STORE_URL: z.preprocess(emptyToUndefined, storeUrlSetting.optional()),
    ...storeTlsSettings,
    STORE_CONNECT_TIMEOUT_SECONDS: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be a number of seconds' })
        .positive('must be more than 0 seconds')
        .max(600, 'must be at most 600 seconds')
        .default(10),
    ),
    MIGRATE_BOT_CONNECTIONS: z.preprocess(emptyToUndefined, z.string().optional()),
    [SETTINGS_DIR]: z.preprocess(emptyToUndefined, z.string().refine(isFolder, IS_FOLDER).optional()),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    ),
    POLL_INTERVAL_SECONDS: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be a number of seconds' })
        .int('must be a whole number of seconds')
        .min(0, 'must be 0 (watcher schedule off) or more seconds')
        .max(86_400, 'must be at most 86400 seconds')
        .default(30),
    ),
    STALL_MINUTES: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be a number of minutes' })
        .positive('must be more than 0 minutes')
        .max(10_080, 'must be at most 10080 minutes (a week)')
        .default(30),
    ),
    // `plain` while replicas of a build from before the compact form still run (a rolling upgrade
    // or a rollback on Redis): every build since reads both, earlier ones only plain JSON.
    WATCH_RECORD_FORMAT: z.preprocess(
      emptyToUndefined,
      z.enum(['compact', 'plain'], { message: 'must be compact or plain' }).default('compact'),
    ),
    // Caps per workspace: far above what a team uses, low enough that one person
    // cannot fill the watcher every workspace shares. README "Limits" says why each default.
    MAX_WATCHES_PER_WORKSPACE: capSetting('watches', 5_000),
    MAX_SUBSCRIPTIONS_PER_WORKSPACE: capSetting('subscriptions', 50),
    MAX_CHANNELS_PER_CONNECTION: capSetting('channels', 20),
    // The most one provider answer is read to: a hostile endpoint's huge body fails that call instead.
    PROVIDER_MAX_RESPONSE_MIB: mebibytes('the largest provider answer read', 0.0625, 1024, 8),
    // How long a workspace's audit entries outlive its uninstall (its other data goes at once).
    AUDIT_RETENTION_DAYS: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be a number of days' })
        .int('must be a whole number of days')
        .min(0, 'must be 0 (deleted with the rest at uninstall) or more days')
        .max(3_650, 'must be at most 3650 days')
        .default(30),
    ),
    DIGEST_HOUR_UTC: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be an hour from 0 to 23 (or unset for no digest)' })
        .int('must be a whole hour from 0 to 23')
        .min(0, 'must be an hour from 0 to 23')
        .max(23, 'must be an hour from 0 to 23')
        .optional(),
    ),
  })
  .transform((env) => ({
    slack: {
      signingSecret: env.SLACK_SIGNING_SECRET,
      /** Single-workspace mode; undefined in OAuth mode. */
      botToken: env.SLACK_BOT_TOKEN,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
      mode: env.SLACK_APP_TOKEN ? ('socket' as const) : ('http' as const),
      /** Many-workspace mode (OAuth install, installation store); undefined with SLACK_BOT_TOKEN. */
      oauth:
        env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET && env.SLACK_STATE_SECRET && !env.SLACK_BOT_TOKEN
          ? {
              clientId: env.SLACK_CLIENT_ID,
              clientSecret: env.SLACK_CLIENT_SECRET,
              stateSecret: env.SLACK_STATE_SECRET,
              redirectUri: env.SLACK_REDIRECT_URI,
              scopes: [...BOT_SCOPES],
            }
          : undefined,
    },
    /** `k2:<base64>,k1:<base64>`: the first encrypts, all decrypt (see crypto/secret-box.ts). */
    encryptionKeys: env.MIGRATE_BOT_ENCRYPTION_KEYS,
    /** `k2:<base64>,k1:<base64>`, Ed25519 seeds: the first signs evidence bundles, all are served as public keys. */
    evidenceKeys: env.MIGRATE_BOT_EVIDENCE_KEYS,
    /** Origins (or URL prefixes) connections from Slack may use besides the providers' own hosts. */
    allowedEndpoints: parseAllowList(env.MIGRATE_BOT_ALLOWED_ENDPOINTS).entries.map((u) => u.href),
    http: {
      port: env.PORT,
      host: env.HOST,
      metricsPort: env.METRICS_PORT ?? (env.PORT === 0 ? 0 : DEFAULT_METRICS_PORT),
    },
    /** SIGTERM to exit (see bot.ts `shutdown`): the delay before new requests are refused, and the whole budget. */
    shutdown: { delaySeconds: env.SHUTDOWN_DELAY_SECONDS, drainTimeoutSeconds: env.DRAIN_TIMEOUT_SECONDS },
    storeUrl: env.STORE_URL ?? `sqlite://${path.resolve('data', 'migrate-bot.sqlite')}`,
    /** Redis over TLS: a private CA, a client certificate, the server's name (undefined: none set). */
    storeTls: storeTls(env),
    /** How long start-up waits for the store (Redis) before it stops with one message. */
    storeConnectTimeoutSeconds: env.STORE_CONNECT_TIMEOUT_SECONDS,
    connectionsFile: env.MIGRATE_BOT_CONNECTIONS,
    logLevel: env.LOG_LEVEL,
    watcher: {
      pollIntervalSeconds: env.POLL_INTERVAL_SECONDS,
      stallMinutes: env.STALL_MINUTES,
      digestHourUtc: env.DIGEST_HOUR_UTC,
      recordFormat: env.WATCH_RECORD_FORMAT,
    },
    providerMaxResponseBytes: env.PROVIDER_MAX_RESPONSE_MIB,
    /** Days a workspace's audit entries are kept after it uninstalls the app (0: deleted then). */
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    /** What one workspace may add; each add past a cap is refused and changes nothing. */
    limits: {
      watches: env.MAX_WATCHES_PER_WORKSPACE,
      subscriptions: env.MAX_SUBSCRIPTIONS_PER_WORKSPACE,
      channelsPerConnection: env.MAX_CHANNELS_PER_CONNECTION,
    },
  }));

/** The settings, and each secret file read that others may read or change, with its fix (logged at start). */
export type Config = z.output<typeof configSchema> & { fileWarnings: readonly string[] };

/** The name of every setting the bot reads from its environment, from the schema itself. */
export const SETTING_NAMES: readonly string[] = Object.keys(configSchema.in.shape);

/** The bot scopes an OAuth install asks for; the same list as `manifest.yml`. */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  // The completion report uploads its throughput chart to the card's thread.
  'files:write',
  'users:read',
  'usergroups:read',
  // Exactly-once watcher posts: after a crash between Slack's answer and saving the ts, only
  // reading the channel tells whether Slack has the post (chat.postMessage has no idempotency
  // key; manifest.yml says more). Used for nothing else.
  'channels:history',
  'groups:history',
  // `member_joined_channel`: the bot invited back to a channel repairs the watches that broke there.
  'channels:read',
  'groups:read',
] as const;

/** Parses settings from an env-like object; throws one ConfigError listing every problem and its fix. */
export function createConfig(rawEnv: Record<string, string | undefined>): Config {
  // Each secret setting may come from a file instead (<NAME>_FILE): read once, here, for all of them.
  const files = readSettingFiles(rawEnv, FILE_SETTINGS);
  const env = files.env;
  const result = configSchema.safeParse(env);
  const problems = files.problems.map((p) => `  - ${p}`);
  if (!result.success)
    for (const issue of result.error.issues) {
      if (files.failed.has(String(issue.path[0]))) continue;
      const name = issue.path.join('.') || '(settings)';
      const message = issue.message.startsWith('Invalid input') ? 'is required' : issue.message;
      problems.push(`  - ${name} ${/^(is|must) /.test(message) ? message : `is invalid: ${message}`}`);
    }
  const repeats = (p: string) => [...files.failed].some((name) => p.startsWith(`${name} is required`));
  problems.push(...slackAuthProblems(env).flatMap((p) => (repeats(p) ? [] : [`  - ${p}`])));
  const config = result.success ? { ...result.data, fileWarnings: files.warnings } : undefined;
  if (config) problems.push(...settingPairProblems(config).map((p) => `  - ${p}`));
  if (config && problems.length === 0) return config;
  return failConfig(problems, env);
}

/** Settings whose whole value is a secret, by name: a setting added later with such a name too. */
export const isSecretSetting = (name: string): boolean =>
  /SECRET|TOKEN|PASSWORD|CREDENTIAL|KEYS?$/.test(name);
/** Settings that may be read from a file (`<NAME>_FILE`): the secret ones, STORE_URL (a password), Redis's TLS files. */
export const FILE_SETTINGS: readonly string[] = SETTING_NAMES.filter(
  (name) => isSecretSetting(name) || STORE_FILE_SETTINGS.includes(name),
);
/** The `<NAME>_FILE` settings, which the environment may hold besides SETTING_NAMES. */
export const SETTING_FILE_NAMES: readonly string[] = FILE_SETTINGS.map((name) => name + FILE_SUFFIX);

/** `scheme://user:password@` anywhere in a text; the user name stays, as STORE_URL shows it. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:[\]"'`,]*:)[^\s/?#@"'`,]+(?=@)/gi;
/** A Slack token (bot, user, app-level) given to the wrong setting; its kind stays. */
const SLACK_TOKEN = /\b(xox[a-z]|xapp)-[A-Za-z0-9-]+/g;

/**
 * A text about the settings as it may be shown (an error, a log line): every password inside a
 * URL, every value of a secret setting and every Slack token replaced by ***, wherever it is. Every
 * start-up error passes here (createConfig's, and main.ts prints every other one through it), so
 * a setting added later, or a check that starts quoting its value, is masked without more work.
 */
export function maskSettingValues(text: string, env: Record<string, string | undefined>): string {
  const { secrets, userInfo, userOnly } = settingSecrets(env);
  let masked = text;
  for (const user of userOnly) masked = masked.replaceAll(`://${user}@`, '://***@');
  // A URL of the settings quoted cut short (the allow-list shows 80 characters) has no @ left to
  // find it by: what follows its user name is masked, whatever is left of the password.
  for (const before of userInfo)
    masked = masked.replace(new RegExp(`${escapeRegExp(before)}[^\\s@"'\`,]*`, 'g'), `${before}***`);
  for (const secret of secrets) masked = masked.replaceAll(secret, '***');
  return masked.replace(URL_PASSWORD, '$1***').replace(SLACK_TOKEN, '$1-***');
}

/**
 * The secret strings among the settings' values, longest first (a part is masked after its
 * whole), and the `scheme://user:` before each password in a URL.
 */
function settingSecrets(rawEnv: Record<string, string | undefined>): {
  secrets: string[];
  userInfo: string[];
  /** A user name given with no password (`https://<token>@host`): masked where it stands in its URL. */
  userOnly: string[];
} {
  // Values read from files are masked too (a file that cannot be read has nothing to mask).
  const env = readSettingFiles(rawEnv, FILE_SETTINGS).env;
  const secrets = new Set<string>();
  const userInfo = new Set<string>();
  const userOnly = new Set<string>();
  // Shorter strings would mask ordinary words (an id like k1); real secrets are far longer.
  const add = (value: string) => {
    if (value.length >= 4) secrets.add(value);
  };
  for (const name of SETTING_NAMES) {
    const value = env[name]?.trim();
    if (!value) continue;
    const urls = urlCredentials(value);
    for (const password of urls.passwords) add(password);
    for (const prefix of urls.prefixes) userInfo.add(prefix);
    for (const user of urls.users) userOnly.add(user);
    if (!isSecretSetting(name)) continue;
    add(value);
    // A list of secrets (the key ring, k1:<base64>,k2:<base64>): each entry, and each one's secret part.
    for (const part of value.split(',').map((p) => p.trim())) {
      add(part);
      add(part.slice(part.indexOf(':') + 1));
    }
  }
  return {
    secrets: [...secrets].sort((a, b) => b.length - a.length),
    userInfo: [...userInfo],
    userOnly: [...userOnly],
  };
}

/** Exactly one way to authenticate to Slack: one bot token, or the OAuth settings (then a key ring). */
function slackAuthProblems(raw: Record<string, string | undefined>): string[] {
  const set = (name: string) => (raw[name] ?? '') !== '';
  const oauthNames = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];
  const oauthGiven = oauthNames.filter(set);
  if (set('SLACK_BOT_TOKEN')) {
    return oauthGiven.length > 0
      ? [
          `${oauthGiven.join(', ')} must be unset with SLACK_BOT_TOKEN: use SLACK_BOT_TOKEN for one workspace, ` +
            'or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (and no SLACK_BOT_TOKEN) to install over OAuth',
        ]
      : [];
  }
  if (oauthGiven.length === 0) {
    return [
      'SLACK_BOT_TOKEN is required (Slack app → OAuth & Permissions → Bot User OAuth Token, xoxb-…), ' +
        'or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install the app in many workspaces over OAuth',
    ];
  }
  const problems: string[] = [];
  const hints: Record<string, string> = {
    SLACK_CLIENT_ID: 'Slack app → Basic Information → App Credentials → Client ID',
    SLACK_CLIENT_SECRET: 'Slack app → Basic Information → App Credentials → Client Secret',
    SLACK_STATE_SECRET: 'any random string of 16+ characters, e.g. openssl rand -hex 32',
  };
  for (const name of oauthNames) {
    if (!set(name)) problems.push(`${name} is required for OAuth (${hints[name]})`);
  }
  if (!set('MIGRATE_BOT_ENCRYPTION_KEYS')) {
    problems.push(
      'MIGRATE_BOT_ENCRYPTION_KEYS is required for OAuth (installation tokens are stored encrypted): ' +
        'generate a key with openssl rand -base64 32 and set MIGRATE_BOT_ENCRYPTION_KEYS=k1:<key>',
    );
  }
  return problems;
}

function failConfig(problems: string[], env: Record<string, string | undefined>): never {
  throw new ConfigError(
    maskSettingValues(
      `migrate-bot cannot start: ${problems.length} setting${problems.length === 1 ? '' : 's'} to fix\n${problems.join('\n')}\n` +
        'Set them in the environment (see README → Configuration).',
      env,
    ),
  );
}
