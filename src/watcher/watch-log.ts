import type { Connection } from '../connections/connection.js';
import type { Logger } from '../logger.js';
import { watchTargetOf } from './records/watch-store.js';

/**
 * Who a watcher or delivery log line is about, for an operator serving many workspaces: the
 * workspace (`team`) beside the connection, whose name is unique only within its workspace, and
 * the channel and resource where known. `*` is a connections-file connection serving every
 * workspace.
 */
export interface Where {
  team?: string;
  channel?: string;
  connection?: string;
  resource?: string;
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/**
 * Where a key points: a record's store key (`w:<team>:<channel>:<connection>:<kind>:<id>`, a
 * connection's health `conn:<team>/<name>`, a channel's `ch:<team>:<channel>`) or an outbox entry's
 * dedup key (`<team>:<channel>:<connection>:<kind>:<id>:…`, a digest's `<team>:<channel>:digest:…`).
 */
export function whereOf(key: string): Where {
  const watch = watchTargetOf(key);
  if (watch)
    return {
      team: watch.teamId,
      channel: watch.channelId,
      connection: watch.connection,
      resource: `${watch.kind}:${watch.id}`,
    };
  if (key.startsWith('conn:')) {
    const id = decodeURIComponent(key.slice('conn:'.length));
    const slash = id.indexOf('/');
    return slash < 0 ? { connection: id } : { team: id.slice(0, slash), connection: id.slice(slash + 1) };
  }
  const parts = (key.startsWith('ch:') ? key.slice(3) : key).split(':').map(safeDecode);
  const [team, channel, connection, kind, id] = parts;
  if (!team || !/^[TE][A-Z0-9]{2,}$/.test(team)) return {};
  const where: Where = { team, ...(channel ? { channel } : {}) };
  if (key.startsWith('ch:') || !connection || connection === 'digest') return where;
  return {
    ...where,
    connection,
    ...(kind && id && /^[a-z-]+$/.test(kind) ? { resource: `${kind}:${id}` } : {}),
  };
}

/**
 * The watcher's logger: a line that names a `key` and no `team` gets the workspace, channel,
 * connection and resource the key points at, so every watcher and delivery line says whose it is.
 */
export function withWhere(logger: Logger): Logger {
  return new Proxy(logger, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'child')
        return (...args: unknown[]) => withWhere((value as (...a: unknown[]) => Logger).apply(target, args));
      if (typeof property !== 'string' || !LEVELS.has(property)) return value;
      return (...args: unknown[]) => {
        const [fields] = args;
        if (isFields(fields) && typeof fields.key === 'string' && fields.team === undefined)
          args[0] = { ...whereOf(fields.key), ...fields };
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function isFields(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && !Array.isArray(value);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The workspace of a polled connection: its own, or `*` for a file connection serving every one. */
export function connectionWhere(connection: Pick<Connection, 'team' | 'name'>): Where {
  return { team: connection.team ?? '*', connection: connection.name };
}

/**
 * A provider outage, one line per connection per outage: the first failed poll at warn, with what
 * the provider said (no stack: it is the same each cycle), later ones at debug with the count.
 */
export function logPollFailure(
  logger: Logger,
  connection: Connection,
  failures: number,
  error: unknown,
): void {
  const fields = {
    ...connectionWhere(connection),
    provider: connection.provider,
    failures,
    error: describe(error),
  };
  if (failures === 1) logger.warn(fields, 'watched connection did not answer; quiet until it answers again');
  else logger.debug(fields, 'watched connection still does not answer');
}

/** The outage is over: one line with how many polls failed and for how long. */
export function logPollRecovered(
  logger: Logger,
  connection: Connection,
  failures: number,
  downMs: number,
): void {
  logger.info(
    {
      ...connectionWhere(connection),
      provider: connection.provider,
      failures,
      downSeconds: Math.round(downMs / 1000),
    },
    'watched connection answers again',
  );
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
