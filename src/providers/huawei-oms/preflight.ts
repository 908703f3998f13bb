import type { Connection } from '../../connections/connection.js';
import type { PreflightListing, PreflightPlan, PreflightWords } from '../definition.js';
import type { MigrationProvider } from '../types.js';
import type { OmsBucketSource } from './bucket-source.js';
import { type OmsCreateKind, omsNeeds } from './create-form.js';
import { endpointRegion } from './create-form-items.js';
import { HuaweiOmsProvider } from './index.js';

/** The sample's bound: a listing stops after this many objects… */
export const SAMPLE_OBJECTS = 1_000;
/** …or this many listing calls (100 names each; folders take calls too). */
const MAX_LISTINGS = 20;
const UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
};

interface OmsNode {
  cloud_type?: string;
  region?: string;
  bucket?: string;
  app_id?: string;
  object_key?: string[];
}

/**
 * What an approver can know of an OMS request before it runs: the objects under its prefixes
 * (ListBucketObjects, §5.5.1, sampled), the bandwidth cap, the region the endpoint serves, the
 * seed's limits on tasks (§5.2.3: 1,500 waiting, OMS.0077; 1,500 created in 24 hours, OMS.1021;
 * task groups: 100 a day, OMS.1037) and what the form alone shows.
 */
export function omsPreflight(
  kind: OmsCreateKind,
  request: Record<string, unknown>,
  connection: Connection,
): PreflightPlan {
  // The endpoint's host names its region; a private endpoint's comes from the connection's `region`.
  const region = endpointRegion(connection) ?? connection.region;
  const src = (request.src_node ?? {}) as OmsNode;
  const dst = (request.dst_node ?? {}) as { region?: string };
  const type = String(request.task_type ?? (kind === 'task' ? 'object' : 'PREFIX'));
  const warnings: PreflightWords[] = [];
  if (request.object_overwrite_mode === 'FULL_OVERWRITE')
    warnings.push({ key: 'form.huawei-oms.preflight.warn.fullOverwrite' });
  if (region && dst.region && dst.region !== region)
    warnings.push({
      key: 'form.huawei-oms.preflight.warn.region',
      values: { destination: dst.region, endpoint: region },
    });
  const plan: PreflightPlan = {
    region,
    activeStates: ['queued', 'running', 'retrying'],
    limits: { key: `form.huawei-oms.preflight.limits.${kind === 'task' ? 'task' : 'taskGroup'}` },
    warnings,
  };
  const policy = request.bandwidth_policy as { max_bandwidth?: number }[] | undefined;
  const caps = (policy ?? []).map((w) => w.max_bandwidth ?? 0).filter((n) => n > 0);
  if (caps.length > 0) plan.bandwidth = Math.max(...caps);
  const needs = omsNeeds(type, src.cloud_type);
  if (needs.listFile || !src.bucket || !src.region || !src.cloud_type) plan.unknownSize = 'list-file';
  else {
    const keys = (needs.objects ? (src.object_key ?? []) : []).filter((k) => k !== '');
    const source: OmsBucketSource = {
      cloudType: src.cloud_type as OmsBucketSource['cloudType'],
      region: src.region,
      bucket: src.bucket,
      appId: src.app_id,
    };
    plan.listSize = (provider) => listUnder(provider, source, keys.length > 0 ? keys : ['']);
  }
  return plan;
}

/**
 * The objects under `prefixes`, read with ListBucketObjects (one folder level per call, so
 * subfolders are walked) until `SAMPLE_OBJECTS` objects or `MAX_LISTINGS` calls; sizes come as OMS
 * prints them ("73.59 MB"); objects whose size OMS does not print ("--") are counted as `unsized`.
 */
async function listUnder(
  provider: MigrationProvider,
  source: OmsBucketSource,
  prefixes: string[],
): Promise<PreflightListing> {
  if (!(provider instanceof HuaweiOmsProvider)) throw new Error('not an OMS connection');
  // The whole bucket is listed from its root (['']) and counts as no prefix.
  const named = prefixes.filter((p) => p !== '').length;
  let objects = 0;
  let bytes = 0;
  let unsized = 0;
  const found = new Map(prefixes.map((p) => [p, 0]));
  // Named prefixes whose listing ended with no object; `open` still has listings to come.
  const empties = (open: readonly { of: string }[]) =>
    [...found].filter(([p, n]) => p !== '' && n === 0 && !open.some((o) => o.of === p)).map(([p]) => p);
  const withEmpty = (empty: string[]) => (empty.length > 0 ? { empty } : {});
  // Each entry: a folder to list, the prefix its names must start with, and the prefix it counts for.
  const queue = prefixes.map((p) => ({ folder: p.slice(0, p.lastIndexOf('/') + 1), prefix: p, of: p }));
  let listings = 0;
  for (let item = queue.shift(); item; item = queue.shift()) {
    let after = '';
    for (;;) {
      if (listings++ >= MAX_LISTINGS || objects >= SAMPLE_OBJECTS) {
        const size = { basis: 'sampled' as const, objects, bytes, prefixes: named, bound: SAMPLE_OBJECTS };
        return { size, ...withEmpty(empties([item, ...queue])) };
      }
      const page = await provider.listBucketObjects(source, { path: item.folder, after });
      for (const record of page.records) {
        if (!record.name.startsWith(item.prefix)) continue;
        if (record.name.endsWith('/')) queue.push({ folder: record.name, prefix: record.name, of: item.of });
        else {
          objects++;
          found.set(item.of, (found.get(item.of) ?? 0) + 1);
          const size = sizeOf(record.size);
          if (size === undefined) unsized++;
          else bytes += size;
        }
      }
      if (!page.next_page || !page.next_marker) break;
      after = page.next_marker;
    }
  }
  const size = { basis: 'listed' as const, objects, bytes, prefixes: named, ...(unsized ? { unsized } : {}) };
  return { size, ...withEmpty(empties([])) };
}

/** "73.59 MB" → bytes (OMS prints binary units with decimal names); undefined when unreadable. */
function sizeOf(size: string | number | null | undefined): number | undefined {
  if (typeof size === 'number') return size;
  const match = /^\s*([\d.]+)\s*([KMGTP]?B)\s*$/i.exec(String(size ?? ''));
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2]!.toUpperCase()] ?? Number.NaN);
}
