import type { Connection, StorageCredential } from '../../connections/connection.js';
import type { Endpoint, MigrationResource } from '../../domain/migration-resource.js';
import type { BucketAccess } from '../../object-store/object-store.js';

/** One bucket side of a check, ready to list, or why it cannot be. */
export type PlannedSide =
  | { ok: true; access: BucketAccess; bucket: string; credential: string }
  | {
      ok: false;
      why: 'not-s3' | 'no-keys' | 'no-bucket' | 'no-endpoint';
      cloud?: string;
      credential?: string;
    };

export interface CheckPlan {
  source: PlannedSide;
  destination: PlannedSide;
  /** Listing prefixes, one pair per migrated prefix: keys are compared after them. */
  pairs: { source: string; destination: string }[];
  /** Where the provider recorded the failed objects (OMS): a key in the destination bucket. */
  failedList?: string;
}

/** Clouds whose object storage does not speak S3: named and skipped. */
const NOT_S3 = new Set(['azure']);

/**
 * The documented S3 endpoints of the clouds a migration reads or writes; UpCloud's depend on the
 * service, so its storage credential names its `endpoint` (the connections file). A credential's own
 * endpoint always wins (and is reached path style, as gateways and simulators expect).
 */
function documentedEndpoint(
  cloud: string,
  region: string | undefined,
): { url: string; pathStyle: boolean; region: string } | undefined {
  // A region is written into a host name: one holding `@`, `/` or `:` would move the request elsewhere.
  if (region !== undefined && !/^[a-z0-9-]{1,40}$/i.test(region)) return undefined;
  const named = Object.keys(DOCUMENTED).find((c) => c.toLowerCase() === cloud.toLowerCase());
  if (named) return DOCUMENTED[named]!(region);
  // UpCloud names a job's source by its S3 endpoint's host: reached there, over HTTPS.
  if (/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(cloud))
    return {
      url: `https://${cloud}`,
      pathStyle: !/\.amazonaws\.com$/i.test(cloud),
      region: region ?? 'us-east-1',
    };
  return undefined;
}

type Where = { url: string; pathStyle: boolean; region: string } | undefined;

/** By the cloud's name as the providers' mappers write it (`Endpoint.cloud`). */
const DOCUMENTED: Record<string, (region: string | undefined) => Where> = {
  HuaweiCloud: (region) =>
    region ? { url: `https://obs.${region}.myhuaweicloud.com`, pathStyle: false, region } : undefined,
  AWS: (region) =>
    region ? { url: `https://s3.${region}.amazonaws.com`, pathStyle: false, region } : undefined,
  // NCP Object Storage: kr.object.ncloudstorage.com signs for kr-standard, path style.
  NCP: (region) => {
    const site = (region ?? 'kr').slice(0, 2).toLowerCase();
    return /^[a-z]{2}$/.test(site)
      ? { url: `https://${site}.object.ncloudstorage.com`, pathStyle: true, region: `${site}-standard` }
      : undefined;
  },
};

function side(endpoint: Endpoint, credential: StorageCredential | undefined): PlannedSide {
  const cloud = endpoint.cloud ?? '';
  if (NOT_S3.has(cloud.toLowerCase())) return { ok: false, why: 'not-s3', cloud };
  if (!endpoint.bucket) return { ok: false, why: 'no-bucket', cloud };
  if (!credential?.accessKey || !credential.secretKey)
    return { ok: false, why: 'no-keys', cloud, ...(credential ? { credential: credential.name } : {}) };
  const where = credential.endpoint
    ? { url: credential.endpoint, pathStyle: true, region: endpoint.region ?? 'us-east-1' }
    : documentedEndpoint(cloud, endpoint.region);
  if (!where) return { ok: false, why: 'no-endpoint', cloud, credential: credential.name };
  return {
    ok: true,
    bucket: endpoint.bucket,
    credential: credential.name,
    access: {
      endpoint: where.url,
      region: where.region,
      pathStyle: where.pathStyle,
      accessKey: credential.accessKey,
      secretKey: credential.secretKey,
      ...(credential.securityToken ? { securityToken: credential.securityToken } : {}),
    },
  };
}

/**
 * What to list for a finished migration: the source under each migrated prefix, the destination
 * under where those objects land. OMS keeps a source key whole under the destination's prefix
 * (`save_prefix` + key); NCP and UpCloud put what follows the source prefix under the target prefix.
 */
export function planCheck(
  resource: Pick<MigrationResource, 'source' | 'destination' | 'failedObjectList'>,
  connection: Connection,
): CheckPlan {
  // OMS writes into OBS (cloud HuaweiCloud) and shows a prefix task's several prefixes joined by ", ".
  const keepsWholeKey = (resource.destination.cloud ?? '').toLowerCase() === 'huaweicloud';
  const sourcePrefixes = (resource.source.prefix ?? '')
    .split(keepsWholeKey ? ', ' : '\u0000')
    .filter(Boolean);
  const dst = resource.destination.prefix ?? '';
  return {
    source: side(resource.source, connection.storage.source),
    destination: side(resource.destination, connection.storage.destination),
    pairs: (sourcePrefixes.length > 0 ? sourcePrefixes : ['']).map((p) => ({
      source: p,
      destination: keepsWholeKey ? `${dst}${p}` : dst,
    })),
    ...(resource.failedObjectList ? { failedList: resource.failedObjectList } : {}),
  };
}
