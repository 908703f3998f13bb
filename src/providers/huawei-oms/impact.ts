import type { CreateImpact } from '../definition.js';
import type { MigrationProvider } from '../types.js';
import { omsPrefixCheck } from './create-form.js';
import { HuaweiOmsProvider } from './index.js';

/** Folder listings an estimate may read (100 names each): enough for a few prefixes' shape. */
const MAX_LISTINGS = 20;
const UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
};

/**
 * What an approver wants to know before approving: how much is under the chosen prefixes, read
 * with ListBucketObjects (one folder level per call, so subfolders are walked), at most
 * `MAX_LISTINGS` calls; sizes come as OMS prints them ("73.59 MB"). Undefined when the request
 * names no prefixes (a whole bucket or a list file: nothing to list cheaply).
 */
export async function estimateOmsImpact(
  provider: MigrationProvider,
  request: Record<string, unknown>,
): Promise<CreateImpact | undefined> {
  const check = omsPrefixCheck(request);
  if (!check || !(provider instanceof HuaweiOmsProvider)) return undefined;
  const impact: CreateImpact = { objects: 0, bytes: 0, prefixes: check.prefixes.length, complete: true };
  const policy = request.bandwidth_policy as { max_bandwidth?: number }[] | undefined;
  const limits = (policy ?? []).map((w) => w.max_bandwidth ?? 0).filter((n) => n > 0);
  if (limits.length > 0) impact.bandwidth = Math.max(...limits);
  // Each entry: a folder to list and the prefix its names must start with.
  const queue = check.prefixes.map((p) => ({ folder: p.slice(0, p.lastIndexOf('/') + 1), prefix: p }));
  let listings = 0;
  for (let item = queue.shift(); item; item = queue.shift()) {
    let after = '';
    for (;;) {
      if (listings++ >= MAX_LISTINGS) {
        impact.complete = false;
        return impact;
      }
      const page = await provider.listBucketObjects(check.source, { path: item.folder, after });
      for (const record of page.records) {
        if (!record.name.startsWith(item.prefix)) continue;
        if (record.name.endsWith('/')) queue.push({ folder: record.name, prefix: record.name });
        else {
          impact.objects++;
          const bytes = sizeOf(record.size);
          if (bytes === undefined) impact.complete = false;
          else impact.bytes += bytes;
        }
      }
      if (!page.next_page || !page.next_marker) break;
      after = page.next_marker;
    }
  }
  return impact;
}

/** "73.59 MB" → bytes (OMS prints binary units with decimal names); undefined when unreadable. */
function sizeOf(size: string | number | null | undefined): number | undefined {
  if (typeof size === 'number') return size;
  const match = /^\s*([\d.]+)\s*([KMGTP]?B)\s*$/i.exec(String(size ?? ''));
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2]!.toUpperCase()] ?? Number.NaN);
}
