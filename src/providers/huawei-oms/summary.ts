import type { CreateFacts, CreateSummary } from '../definition.js';
import { joinPath } from '../shared-fields.js';
import { parseHhMm } from './bandwidth.js';
import type { OmsCreateTaskGroupRequest, OmsCreateTaskRequest } from './schemas.js';
import { inWords } from './value-words.js';

const MAX_OBJECTS_SHOWN = 5;

/** What an OMS task or task-group request will create, for the approval message (values in words). */
export function summarizeOms(what: string, request: Record<string, unknown>): CreateSummary {
  const r = request as unknown as OmsCreateTaskRequest | OmsCreateTaskGroupRequest;
  const src = r.src_node;
  // Table 5-40, cloud_type: "The default value is Aliyun."
  const source = [src.cloud_type ?? 'Aliyun', src.region, src.bucket ? `· ${src.bucket}` : '']
    .filter(Boolean)
    .join(' ');
  const details: { label: string; value: string }[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value) details.push({ label, value });
  };
  // In words, as a change request reads; the raw values are what the form submitted.
  add('What', inWords(r.task_type));
  // A detail of its own: run into the source it read "src-bucket list my-lists/objects.txt".
  add('List file', src.list_file && joinPath(src.list_file.obs_bucket, src.list_file.list_file_key));
  add('Overwrite', inWords(r.object_overwrite_mode));
  add('Consistency check', inWords(r.consistency_check));
  add('Storage class', inWords(r.dst_storage_policy));
  if ('task_priority' in r) add('Priority', inWords(r.task_priority));
  add('Bandwidth', r.bandwidth_policy?.length ? describeBandwidth(r.bandwidth_policy) : undefined);
  // [""] is the whole bucket (Table 5-40), not an object to list.
  const keys = (src.object_key ?? []).filter((key) => key !== '');
  return {
    what,
    name: r.description || undefined,
    source,
    destination: `HuaweiCloud ${r.dst_node.region} · ${joinPath(r.dst_node.bucket, r.dst_node.save_prefix)}`,
    objects:
      keys.length > 0
        ? { shown: keys.slice(0, MAX_OBJECTS_SHOWN), more: Math.max(0, keys.length - MAX_OBJECTS_SHOWN) }
        : undefined,
    details,
  };
}

/** What the guardrails read of an OMS request: its destination, source and overwrite mode, raw. */
export function omsFacts(request: Record<string, unknown>): CreateFacts {
  const r = request as unknown as OmsCreateTaskRequest | OmsCreateTaskGroupRequest;
  const keys = (r.src_node.object_key ?? []).filter((key) => key !== '');
  return {
    destinationRegion: r.dst_node.region,
    sourceBucket: r.src_node.bucket,
    sourcePrefix: keys.length === 1 ? keys[0] : undefined,
    destinationBucket: r.dst_node.bucket,
    destinationPrefix: r.dst_node.save_prefix,
    overwrite: r.object_overwrite_mode,
  };
}

/** `00:00–06:00 ≤ 200 MiB/s, 22:00–23:00 ≤ 50 MiB/s` */
export function describeBandwidth(
  policies: readonly { start: string; end: string; max_bandwidth: number }[],
): string {
  return policies
    .map((p) => {
      const overnight = (parseHhMm(p.end) ?? 0) < (parseHhMm(p.start) ?? 0) ? ' (next day)' : '';
      return `${p.start}–${p.end}${overnight} ≤ ${formatRate(p.max_bandwidth)}`;
    })
    .join(', ');
}

/**
 * OMS's "MB/s" is 1,048,576 bytes a second: said as MiB/s, the unit the impact beside it and the
 * cards use, so one request never shows "≤ 200 MB/s" next to "200 MiB/s" for the same speed.
 */
function formatRate(bytesPerSecond: number): string {
  const mib = bytesPerSecond / 1024 ** 2;
  return Number.isInteger(mib) ? `${mib} MiB/s` : `${mib.toFixed(1)} MiB/s`;
}
