/**
 * What STORE_URL names when it names Redis: one server (`redis://`, `rediss://` with TLS), a Redis
 * Cluster (`redis+cluster://host:port,host:port`) or the master a Sentinel set-up serves
 * (`redis+sentinel://host:port,host:port/<master name>`), with `rediss+…` for TLS. One server's URL
 * is node-redis's own (database, user and password included); the other two name several hosts,
 * which a WHATWG URL cannot hold, so they are read here.
 */
export type RedisTopology = 'single' | 'cluster' | 'sentinel';

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisTarget {
  topology: RedisTopology;
  /** STORE_URL as given. */
  url: string;
  /** One server: itself. A cluster: the nodes it is discovered from. Sentinel: the Sentinels. */
  nodes: RedisNode[];
  /** Sentinel: the name the Sentinels monitor the master under. */
  masterName?: string;
  username?: string;
  password?: string;
  /** The database number when not 0 (a cluster has only 0). One server's URL keeps it too. */
  database?: number;
  tls: boolean;
}

const SCHEMES: Record<string, { topology: RedisTopology; tls: boolean }> = {
  redis: { topology: 'single', tls: false },
  rediss: { topology: 'single', tls: true },
  'redis+cluster': { topology: 'cluster', tls: false },
  'rediss+cluster': { topology: 'cluster', tls: true },
  'redis+sentinel': { topology: 'sentinel', tls: false },
  'rediss+sentinel': { topology: 'sentinel', tls: true },
};

/** True when STORE_URL names Redis in any of its forms (the bot then shares state there). */
export function isRedisUrl(url: string): boolean {
  const scheme = /^([a-z+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  return scheme !== undefined && scheme in SCHEMES;
}

/** The forms, for messages that say what STORE_URL may be. */
export const REDIS_URL_FORMS =
  'redis://host:port, rediss://host:port (TLS), redis+cluster://host:port,host:port (Redis Cluster) or redis+sentinel://host:port,host:port/<master name> (Sentinel)';

/** Reads a Redis STORE_URL; a string is what is wrong with it. */
export function parseRedisUrl(url: string): RedisTarget | string {
  const match = /^([a-z+]+):\/\/(.*)$/is.exec(url);
  const scheme = SCHEMES[match?.[1]?.toLowerCase() ?? ''];
  if (!match || !scheme) return `must be one of ${REDIS_URL_FORMS}`;
  if (scheme.topology === 'single') {
    if (!URL.canParse(url)) return 'is not a valid URL (redis://[user:password@]host:port[/database])';
    const parsed = new URL(url);
    if (!parsed.hostname) return 'names no host (redis://host:port)';
    const port = parsed.port === '' ? 6379 : Number(parsed.port);
    const database = Number(parsed.pathname.slice(1) || '0');
    return {
      topology: 'single',
      url,
      nodes: [{ host: parsed.hostname.replace(/^\[|\]$/g, ''), port }],
      tls: scheme.tls,
      ...(Number.isInteger(database) && database > 0 ? { database } : {}),
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    };
  }
  const rest = match[2]!;
  const at = rest.lastIndexOf('@', rest.indexOf('/') === -1 ? rest.length : rest.indexOf('/'));
  const userInfo = at === -1 ? '' : rest.slice(0, at);
  const afterUser = at === -1 ? rest : rest.slice(at + 1);
  const slash = afterUser.indexOf('/');
  const hostList = slash === -1 ? afterUser : afterUser.slice(0, slash);
  const path = (slash === -1 ? '' : afterUser.slice(slash + 1)).replace(/\?.*$/, '');
  const nodes: RedisNode[] = [];
  for (const item of hostList.split(',')) {
    const node = parseNode(item.trim(), scheme.topology === 'sentinel' ? 26379 : 6379);
    if (typeof node === 'string') return node;
    nodes.push(node);
  }
  const credentials = parseUserInfo(userInfo);
  if (typeof credentials === 'string') return credentials;
  const target: RedisTarget = { topology: scheme.topology, url, nodes, tls: scheme.tls, ...credentials };
  const parts = path.split('/').filter((p) => p !== '');
  if (scheme.topology === 'cluster') {
    if (parts.length > 0)
      return `names a path (/${parts.join('/')}), but a Redis Cluster has only database 0 and no name: redis+cluster://host:port,host:port`;
    return target;
  }
  if (parts.length === 0 || parts.length > 2)
    return 'must name the master the Sentinels monitor: redis+sentinel://host:port,host:port/<master name>[/<database>]';
  target.masterName = decodeURIComponent(parts[0]!);
  if (parts[1] !== undefined) {
    const database = Number(parts[1]);
    if (!Number.isInteger(database) || database < 0) return `names the database "${parts[1]}", not a number`;
    target.database = database;
  }
  return target;
}

function parseNode(item: string, defaultPort: number): RedisNode | string {
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(item);
  if (!match) return `has "${item}" where a host:port was expected (hosts are separated by commas)`;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65_535) return `has the port ${match[2]}, which is not a port number`;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

function parseUserInfo(userInfo: string): { username?: string; password?: string } | string {
  if (userInfo === '') return {};
  const colon = userInfo.indexOf(':');
  try {
    const username = decodeURIComponent(colon === -1 ? userInfo : userInfo.slice(0, colon));
    const password = colon === -1 ? undefined : decodeURIComponent(userInfo.slice(colon + 1));
    return {
      ...(username === '' ? {} : { username }),
      ...(password === undefined || password === '' ? {} : { password }),
    };
  } catch {
    return 'has a user or password that is not valid percent-encoding';
  }
}

/** STORE_URL as it may be shown: a password never reaches a log or a message. */
export function withoutPassword(url: string): string {
  const scheme = /^([a-z+]+):\/\//i.exec(url)?.[1]?.toLowerCase() ?? '';
  if (SCHEMES[scheme] && SCHEMES[scheme].topology !== 'single')
    return url.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (!parsed.password) return url;
  parsed.password = '***';
  return parsed.toString();
}
