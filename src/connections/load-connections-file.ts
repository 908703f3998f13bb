import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { providerDefinition, providerIdSchema } from '../providers/registry.js';
import { FILE_SUFFIX, readSettingFiles } from '../setting-files.js';
import type { Connection, ConnectionAuth, StorageCredential } from './connection.js';

/** Names appear in refs like `hw-prod:1912…`, so they cannot contain `:` or spaces. */
export const CONNECTION_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');

const INLINE_SECRET_KEYS = [
  'accessKey',
  'secretKey',
  'password',
  'token',
  'securityToken',
  'jsonAuthFile',
  'user',
];

const authSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('aksk'),
    accessKeyEnv: envName,
    secretKeyEnv: envName,
    securityTokenEnv: envName.optional(),
  }),
  z.strictObject({
    type: z.literal('token'),
    iamEndpoint: z.url(),
    userEnv: envName,
    passwordEnv: envName,
    domainEnv: envName,
  }),
  z.strictObject({ type: z.literal('bearer'), tokenEnv: envName }),
  z.strictObject({ type: z.literal('basic'), usernameEnv: envName, passwordEnv: envName }),
]);

const storageCredentialSchema = z.strictObject({
  accessKeyEnv: envName.optional(),
  secretKeyEnv: envName.optional(),
  securityTokenEnv: envName.optional(),
  jsonAuthFileEnv: envName.optional(),
  /** The buckets' S3 endpoint, for checking them; default: the cloud's documented one. */
  endpoint: z.url({ message: 'must be a URL such as https://obs.cn-north-4.myhuaweicloud.com' }).optional(),
});

const connectionSchema = z.strictObject({
  name: z.string().regex(CONNECTION_NAME, 'must be lowercase letters, digits, - or _ (at most 40)'),
  team: z
    .string()
    .regex(/^[TE][A-Z0-9]+$/, 'must be a Slack team id such as T0123ABCD')
    .optional(),
  provider: providerIdSchema,
  endpoint: z.url({ message: 'must be a URL such as https://oms.cn-north-4.myhuaweicloud.com' }),
  projectId: z.string().min(1).max(1024).optional(),
  region: z.string().min(1).max(64).optional(),
  serviceId: z.string().min(1).max(64).optional(),
  /** Dollars per GiB leaving the source: the approval request's pre-flight prices the bytes with it. */
  egressPricePerGiB: z
    .number({ error: 'must be a number of dollars per GiB, such as 0.09 (no quotes, no $)' })
    .positive('must be more than 0 dollars per GiB, such as 0.09 (leave it out to say nothing about cost)')
    .max(1_000, 'must be at most 1000 dollars per GiB: is it a price per GiB, such as 0.09?')
    .optional(),
  auth: authSchema,
  storage: z.strictObject({ source: z.string().optional(), destination: z.string().optional() }).optional(),
});

const fileSchema = z.strictObject({
  storageCredentials: z.record(z.string(), storageCredentialSchema).optional(),
  connections: z.array(connectionSchema).min(1, 'must list at least one connection'),
});

/**
 * Reads connections-as-code (YAML or JSON, format in the README). Secrets are never written in
 * the file: it names the environment variables that hold them. Every problem is reported at once.
 */
export function loadConnectionsFile(
  filePath: string,
  env: Record<string, string | undefined>,
  warn?: (line: string) => void,
  sections: readonly string[] = [],
): Connection[] {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (cause) {
    throw new ConfigError(`MIGRATE_BOT_CONNECTIONS: cannot read ${filePath}`, { cause });
  }
  return parseConnections(text, filePath, env, warn, sections);
}

/**
 * `warn` hears of each secret file others may read or change (secret-file.ts), with its fix.
 * `sections`: top-level keys capabilities read themselves (a `file` part), passed over here.
 */
export function parseConnections(
  text: string,
  source: string,
  env: Record<string, string | undefined>,
  warn?: (line: string) => void,
  sections: readonly string[] = [],
): Connection[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`${source}: not valid YAML or JSON`, { cause });
  }
  const problems = findInlineSecrets(raw);
  // A capability's section is its to read: taken out before the file's own schema is checked.
  const own =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? Object.fromEntries(Object.entries(raw).filter(([k]) => !sections.includes(k)))
      : raw;
  const parsed = fileSchema.safeParse(own);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys' && issue.keys.some((k) => INLINE_SECRET_KEYS.includes(k)))
        continue;
      problems.push(`${issue.path.join('.') || '(file)'}: ${issue.message}`);
    }
    throw connectionsError(source, problems);
  }
  // `<NAME>_FILE` (a mounted secret) works for every variable the file names, as for the bot's own settings.
  const read = (name: string | undefined, where: string): string | undefined => {
    if (!name) return undefined;
    const fromFile = readSettingFiles(env, [name]);
    for (const warning of fromFile.warnings) warn?.(`${source}: ${where}: ${warning}`);
    if (fromFile.problems.length > 0) {
      problems.push(...fromFile.problems.map((p) => `${where}: ${p}`));
      return undefined;
    }
    const value = fromFile.env[name];
    if (value === undefined || value === '') {
      problems.push(
        `${where}: environment variable ${name} is not set (nor ${name}${FILE_SUFFIX}, a file holding it)`,
      );
      return undefined;
    }
    return value;
  };

  const storage = new Map<string, StorageCredential>();
  for (const [name, cred] of Object.entries(parsed.data.storageCredentials ?? {})) {
    const where = `storageCredentials.${name}`;
    storage.set(name, {
      name,
      accessKey: read(cred.accessKeyEnv, where),
      secretKey: read(cred.secretKeyEnv, where),
      securityToken: read(cred.securityTokenEnv, where),
      jsonAuthFile: read(cred.jsonAuthFileEnv, where),
      ...(cred.endpoint ? { endpoint: cred.endpoint } : {}),
    });
  }

  const seen = new Set<string>();
  const connections = parsed.data.connections.map((c, index): Connection => {
    const where = `connections[${index}] (${c.name})`;
    const key = `${c.team ?? '*'}/${c.name}`;
    if (seen.has(key)) problems.push(`${where}: the name ${c.name} is used twice in the same workspace`);
    seen.add(key);
    const connect = providerDefinition(c.provider).connect;
    for (const key of connect.fileRequires ?? []) {
      if (!(c as Record<string, unknown>)[key]) problems.push(`${where}: ${c.provider} needs ${key}`);
    }
    // The connect form's own rules, so a value the form refuses (an OMS project id `..`) is refused here too.
    for (const field of connect.fields) {
      const value = (c as Record<string, unknown>)[field.key];
      if (field.check?.type === 'pattern' && typeof value === 'string' && !field.check.pattern.test(value))
        problems.push(`${where}: ${field.key}: ${field.check.message}`);
    }
    const storageRef = (ref: string | undefined, role: string) => {
      if (!ref) return undefined;
      const found = storage.get(ref);
      if (!found) problems.push(`${where}: storage.${role} names ${ref}, which is not in storageCredentials`);
      return found;
    };
    return {
      name: c.name,
      team: c.team,
      provider: c.provider,
      endpoint: c.endpoint,
      projectId: c.projectId,
      region: c.region,
      serviceId: c.serviceId,
      ...(c.egressPricePerGiB === undefined ? {} : { egressPricePerGiB: c.egressPricePerGiB }),
      auth: resolveAuth(c.auth, (n) => read(n, `${where}.auth`) ?? ''),
      storage: {
        source: storageRef(c.storage?.source, 'source'),
        destination: storageRef(c.storage?.destination, 'destination'),
      },
    };
  });
  if (problems.length > 0) throw connectionsError(source, problems);
  return connections;
}

function resolveAuth(auth: z.infer<typeof authSchema>, read: (env: string) => string): ConnectionAuth {
  switch (auth.type) {
    case 'aksk': {
      const securityToken = auth.securityTokenEnv ? read(auth.securityTokenEnv) : undefined;
      return {
        type: 'aksk',
        accessKey: read(auth.accessKeyEnv),
        secretKey: read(auth.secretKeyEnv),
        securityToken,
      };
    }
    case 'token':
      return {
        type: 'token',
        iamEndpoint: auth.iamEndpoint,
        user: read(auth.userEnv),
        password: read(auth.passwordEnv),
        domain: read(auth.domainEnv),
      };
    case 'bearer':
      return { type: 'bearer', token: read(auth.tokenEnv) };
    case 'basic':
      return { type: 'basic', username: read(auth.usernameEnv), password: read(auth.passwordEnv) };
  }
}

/** A secret typed into the file is the one mistake worth its own message. */
function findInlineSecrets(raw: unknown): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, where: string) => {
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (INLINE_SECRET_KEYS.includes(key) && typeof child === 'string') {
        problems.push(
          `${where}.${key}: secrets may not be written in the file; name an environment variable with ${key}Env`,
        );
      } else visit(child, Array.isArray(value) ? `${where}[${key}]` : `${where}.${key}`);
    }
  };
  visit(raw, '(file)');
  return problems.map((p) => p.replace('(file).', ''));
}

function connectionsError(source: string, problems: string[]): ConfigError {
  return new ConfigError(
    `MIGRATE_BOT_CONNECTIONS (${source}) has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
      problems.map((p) => `  - ${p}`).join('\n'),
  );
}
