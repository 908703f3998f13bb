import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { AppError, ConfigError, ErrorCode, InvalidInputError } from '../errors.js';
import type { ProviderId } from '../providers/provider-ids.js';
import { providerIdSchema } from '../providers/registry.js';
import type { SecretRegistry } from '../secrets.js';
import { type AtomicKv, SKIP } from '../store/atomic-kv.js';
import type { Connection, ConnectionAuth, StorageCredential } from './connection.js';
import { checkEndpoint } from './endpoint-policy.js';
import { CONNECTION_NAME } from './load-connections-file.js';

/**
 * Connections added from Slack (`/migrate connect`), one record list per workspace under
 * `connections:<team id>`. Non-secret fields are stored in the clear (so `/migrate connections`
 * can describe a record it cannot decrypt); credentials are sealed with the SecretBox, bound to
 * the workspace and connection name. Every record is zod-checked when read.
 */

const NAME = z.string().regex(CONNECTION_NAME);
const TEAM_ID = /^[TE][A-Z0-9]{2,}$/;

const storedRecordSchema = z.object({
  name: NAME,
  provider: providerIdSchema,
  endpoint: z.string().min(1).max(2048),
  projectId: z.string().min(1).max(1024).optional(),
  region: z.string().min(1).max(64).optional(),
  serviceId: z.string().min(1).max(64).optional(),
  authType: z.enum(['aksk', 'token', 'bearer', 'basic']),
  storageNames: z.object({ source: NAME.optional(), destination: NAME.optional() }),
  createdBy: z.string().min(1).max(64),
  createdAt: z.string().min(1).max(64),
  /** SecretBox value of {@link SealedPart}. */
  sealed: z.string().min(1),
});
type StoredRecord = z.infer<typeof storedRecordSchema>;

const teamRecordSchema = z.object({ v: z.literal(1), connections: z.array(storedRecordSchema) });
type TeamRecord = z.infer<typeof teamRecordSchema>;

const secretString = z.string().min(1).max(20_000);
const accessKeyPair = {
  accessKey: secretString,
  secretKey: secretString,
  securityToken: secretString.optional(),
};
const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('aksk'), ...accessKeyPair }),
  z.object({
    type: z.literal('token'),
    iamEndpoint: z.string().min(1),
    user: secretString,
    password: secretString,
    domain: secretString,
  }),
  z.object({ type: z.literal('bearer'), token: secretString }),
  z.object({ type: z.literal('basic'), username: secretString, password: secretString }),
]);
const storageCredentialSchema = z.object({
  name: NAME,
  accessKey: secretString.optional(),
  secretKey: secretString.optional(),
  securityToken: secretString.optional(),
  jsonAuthFile: secretString.optional(),
});
/** What is encrypted: everything a provider authenticates with. */
const sealedPartSchema = z.object({
  auth: authSchema,
  storage: z.object({
    source: storageCredentialSchema.optional(),
    destination: storageCredentialSchema.optional(),
  }),
});

/** What `/migrate connections` shows of a stored connection: never a credential. */
export interface StoredConnectionInfo {
  name: string;
  provider: ProviderId;
  endpoint: string;
  authType: ConnectionAuth['type'];
  storageNames: { source?: string; destination?: string };
  createdBy: string;
  createdAt: string;
}

export type LoadedConnection =
  | { info: StoredConnectionInfo; connection: Connection; fingerprint: string; error?: undefined }
  | { info: StoredConnectionInfo; connection?: undefined; error: string };

export interface ConnectionStoreOptions {
  /** From `MIGRATE_BOT_ALLOWED_ENDPOINTS`: endpoints are re-checked on every read. */
  allowedEndpoints: readonly string[];
  /** The bot's one clock: when a connection was added. */
  clock: Clock;
}

export class ConnectionStore {
  readonly #store: AtomicKv;
  readonly #box: SecretBox | undefined;
  readonly #secrets: SecretRegistry;
  readonly #options: ConnectionStoreOptions;

  constructor(
    store: AtomicKv,
    box: SecretBox | undefined,
    secrets: SecretRegistry,
    options: ConnectionStoreOptions,
  ) {
    this.#store = store;
    this.#box = box;
    this.#secrets = secrets;
    this.#options = options;
  }

  /** False without an encryption key: connections cannot be added from Slack then. */
  get enabled(): boolean {
    return this.#box !== undefined;
  }

  get allowedEndpoints(): readonly string[] {
    return this.#options.allowedEndpoints;
  }

  /** The workspace's stored connections, decrypted; a record that cannot be used carries `error`. */
  async load(teamId: string): Promise<LoadedConnection[]> {
    const record = await this.#read(teamId);
    return record.connections.map((stored) => this.#open(teamId, stored));
  }

  /**
   * Stores a new connection (its name must be new in the workspace), or with `replace` stores new
   * settings and keys under the name of an existing one (it must exist); re-encrypts the others with
   * the current key. One compare-and-set either way: the old keys stay until the new ones are saved.
   */
  async add(
    teamId: string,
    connection: Connection,
    createdBy: string,
    options: { replace?: boolean } = {},
  ): Promise<StoredConnectionInfo> {
    const box = this.#requireBox();
    const sealedPart = sealedPartSchema.parse({ auth: connection.auth, storage: connection.storage });
    const stored: StoredRecord = storedRecordSchema.parse({
      name: connection.name,
      provider: connection.provider,
      endpoint: connection.endpoint,
      projectId: connection.projectId,
      region: connection.region,
      serviceId: connection.serviceId,
      authType: connection.auth.type,
      storageNames: {
        source: connection.storage.source?.name,
        destination: connection.storage.destination?.name,
      },
      createdBy,
      createdAt: new Date(this.#options.clock.now()).toISOString(),
      sealed: box.sealJson(sealedPart, sealContext(teamId, connection.name)),
    });
    // Compare-and-set: two admins adding at once on different replicas both land (or the second is
    // told the name is taken).
    await this.#store.update(keyFor(teamId), (raw) => {
      const record = parseRecord(teamId, raw);
      const exists = record.connections.some((c) => c.name === connection.name);
      if (options.replace) {
        if (!exists) throw InvalidInputError.of('connect.store.gone', { name: connection.name });
        return serialize(
          record.connections.map((c) => (c.name === connection.name ? stored : this.#rewrap(teamId, c))),
        );
      }
      if (exists) {
        throw InvalidInputError.of('connect.store.taken', { name: connection.name });
      }
      return serialize([...record.connections.map((c) => this.#rewrap(teamId, c)), stored]);
    });
    // Saved: from now on its secrets are masked in this workspace's messages (not before, so a
    // refused submission changes nothing).
    registerConnectionSecrets(this.#secrets, connection, teamId);
    return infoOf(stored);
  }

  /** Removes a stored connection; false when there is none by that name in this workspace. */
  async remove(teamId: string, name: string): Promise<boolean> {
    let removed = false;
    await this.#store.update(keyFor(teamId), (raw) => {
      const record = parseRecord(teamId, raw);
      const remaining = record.connections.filter((c) => c.name !== name);
      removed = remaining.length !== record.connections.length;
      if (!removed) return SKIP;
      return serialize(remaining.map((c) => this.#rewrap(teamId, c)));
    });
    return removed;
  }

  /** The workspace uninstalled the app: every stored connection (and its sealed keys) goes. */
  async forget(teamId: string): Promise<number> {
    let removed = 0;
    await this.#store.update(keyFor(teamId), (raw) => {
      if (raw === undefined) return SKIP;
      // A record that cannot be read is deleted all the same: it is this workspace's.
      const parsed = teamRecordSchema.safeParse(readJsonSafely(raw));
      removed = parsed.success ? parsed.data.connections.length : 1;
      return undefined;
    });
    return removed;
  }

  async #read(teamId: string): Promise<TeamRecord> {
    return parseRecord(teamId, await this.#store.get(keyFor(teamId)));
  }

  /** Every write re-encrypts older records with the current key (key rotation); unreadable ones stay as they are. */
  #rewrap(teamId: string, stored: StoredRecord): StoredRecord {
    const box = this.#box;
    if (!box) return stored;
    try {
      return { ...stored, sealed: box.rewrap(stored.sealed, sealContext(teamId, stored.name)) };
    } catch {
      return stored;
    }
  }

  #open(teamId: string, stored: StoredRecord): LoadedConnection {
    const info = infoOf(stored);
    const box = this.#box;
    if (!box) {
      return {
        info,
        error: 'MIGRATE_BOT_ENCRYPTION_KEYS is not set, so its credentials cannot be decrypted.',
      };
    }
    const endpoint = checkEndpoint(stored.provider, 'api', stored.endpoint, this.#options.allowedEndpoints);
    if (!endpoint.ok) return { info, error: `its endpoint is no longer allowed: ${endpoint.message}` };
    let secrets: z.infer<typeof sealedPartSchema>;
    try {
      const parsed = sealedPartSchema.safeParse(
        box.openJson(stored.sealed, sealContext(teamId, stored.name)),
      );
      if (!parsed.success)
        return { info, error: 'its encrypted credentials are not in the expected format.' };
      secrets = parsed.data;
    } catch (error) {
      return { info, error: error instanceof Error ? error.message : String(error) };
    }
    if (secrets.auth.type === 'token') {
      const iam = checkEndpoint(
        stored.provider,
        'iam',
        secrets.auth.iamEndpoint,
        this.#options.allowedEndpoints,
      );
      if (!iam.ok) return { info, error: `its IAM endpoint is no longer allowed: ${iam.message}` };
    }
    const connection: Connection = {
      name: stored.name,
      team: teamId,
      provider: stored.provider,
      endpoint: endpoint.url,
      projectId: stored.projectId,
      region: stored.region,
      serviceId: stored.serviceId,
      auth: secrets.auth,
      storage: {
        source: secrets.storage.source as StorageCredential | undefined,
        destination: secrets.storage.destination as StorageCredential | undefined,
      },
    };
    registerConnectionSecrets(this.#secrets, connection, teamId);
    return { info, connection, fingerprint: stored.sealed };
  }

  #requireBox(): SecretBox {
    if (!this.#box) {
      throw new ConfigError(
        'Connections added from Slack are stored encrypted, and this bot has no encryption key: ' +
          'whoever runs it sets MIGRATE_BOT_ENCRYPTION_KEYS (see README → Configuration), or adds the connection to the connections file.',
      );
    }
    return this.#box;
  }
}

export function keyFor(teamId: string): string {
  if (!TEAM_ID.test(teamId))
    throw new InvalidInputError(`"${teamId.slice(0, 20)}" is not a Slack workspace id.`);
  return `connections:${teamId}`;
}

function sealContext(teamId: string, name: string): string {
  return `connection:${teamId}:${name}`;
}

function infoOf(stored: StoredRecord): StoredConnectionInfo {
  return {
    name: stored.name,
    provider: stored.provider,
    endpoint: stored.endpoint,
    authType: stored.authType,
    storageNames: stored.storageNames,
    createdBy: stored.createdBy,
    createdAt: stored.createdAt,
  };
}

/** Every secret value of a connection, so logs and Slack payloads are scrubbed of it. */
export function connectionSecretValues(c: Connection): string[] {
  const values: (string | undefined)[] = [];
  const auth = c.auth;
  if (auth.type === 'aksk') values.push(auth.secretKey, auth.securityToken);
  if (auth.type === 'token') values.push(auth.password);
  if (auth.type === 'basic') values.push(auth.password);
  if (auth.type === 'bearer') values.push(auth.token);
  for (const cred of [c.storage.source, c.storage.destination]) {
    values.push(cred?.secretKey, cred?.securityToken, cred?.jsonAuthFile);
    values.push(privateKeyOf(cred?.jsonAuthFile));
  }
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/**
 * Registers a connection's secret values under the workspace it belongs to (no team: a connection
 * serving every workspace). The registry also masks each as written inside JSON.
 */
export function registerConnectionSecrets(secrets: SecretRegistry, c: Connection, team = c.team): void {
  for (const value of connectionSecretValues(c)) secrets.addForTeam(team, value);
}

/** A service-account JSON's private key can turn up on its own (in an error), so it is registered too. */
function privateKeyOf(json: string | undefined): string | undefined {
  if (!json) return undefined;
  try {
    const parsed = JSON.parse(json) as { private_key?: unknown };
    return typeof parsed.private_key === 'string' ? parsed.private_key : undefined;
  } catch {
    return undefined;
  }
}

function parseRecord(teamId: string, raw: string | undefined): TeamRecord {
  if (raw === undefined) return { v: 1, connections: [] };
  const parsed = teamRecordSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new AppError(
      ErrorCode.Internal,
      `The stored connections of workspace ${teamId} are not in the expected format: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function readJsonSafely(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** No connections left: the key is deleted rather than kept empty. */
function serialize(connections: StoredRecord[]): string | undefined {
  return connections.length === 0 ? undefined : JSON.stringify({ v: 1, connections } satisfies TeamRecord);
}
