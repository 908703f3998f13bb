import type { z } from 'zod';
import type { ResourceKind } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import { parseHhMm } from '../providers/huawei-oms/bandwidth.js';
import {
  type OmsCreateTaskGroupRequest,
  type OmsCreateTaskRequest,
  omsCreateTaskGroupRequestSchema,
  omsCreateTaskRequestSchema,
} from '../providers/huawei-oms/index.js';
import { type NcpCreatePolicyRequest, ncpCreatePolicyRequestSchema } from '../providers/ncp/index.js';
import type { ProviderId } from '../providers/provider-ids.js';
import { type UpCloudCreateJobRequest, upcloudCreateJobRequestSchema } from '../providers/upcloud/index.js';

/**
 * What can be created from Slack: one entry per provider and resource kind, with the provider's own
 * create schema. Requests never hold a secret: the schemas refuse key fields, and the keys come from
 * the connection's storage credentials when the provider creates the resource.
 */
export interface CreateTarget {
  provider: ProviderId;
  kind: ResourceKind;
  /** "OMS migration task" */
  label: string;
  /** Modal titles are at most 24 characters. */
  title: string;
  schema: z.ZodType;
}

export const CREATE_TARGETS: readonly CreateTarget[] = [
  {
    provider: 'huawei-oms',
    kind: 'task',
    label: 'OMS migration task',
    title: 'New OMS task',
    schema: omsCreateTaskRequestSchema,
  },
  {
    provider: 'huawei-oms',
    kind: 'task-group',
    label: 'OMS task group',
    title: 'New OMS task group',
    schema: omsCreateTaskGroupRequestSchema,
  },
  {
    provider: 'ncp',
    kind: 'policy',
    label: 'NCP migration policy',
    title: 'New NCP policy',
    schema: ncpCreatePolicyRequestSchema,
  },
  {
    provider: 'upcloud',
    kind: 'job',
    label: 'UpCloud migration job',
    title: 'New UpCloud job',
    schema: upcloudCreateJobRequestSchema,
  },
];

export function createTarget(provider: ProviderId, kind: ResourceKind): CreateTarget {
  const target = CREATE_TARGETS.find((t) => t.provider === provider && t.kind === kind);
  if (!target) throw new InvalidInputError(`${provider} ${kind} resources cannot be created from Slack.`);
  return target;
}

/** Validates a create request with the provider's schema; the parsed form is what gets stored. */
export function validateCreateRequest(
  provider: ProviderId,
  kind: ResourceKind,
  request: unknown,
): Record<string, unknown> {
  const target = createTarget(provider, kind);
  const parsed = target.schema.safeParse(request);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || 'request'} ${issue.message}`);
    throw new InvalidInputError(`Invalid ${target.label} request: ${problems.join('; ')}.`);
  }
  return parsed.data as Record<string, unknown>;
}

/** What a request will create, in words, for the approval message. Values are raw (escape to show). */
export interface CreateSummary {
  what: string;
  /** The resource's name or description, when it has one. */
  name?: string;
  source: string;
  destination: string;
  /** Objects or prefixes, when the request lists some. */
  objects?: { shown: string[]; more: number };
  details: { label: string; value: string }[];
}

const MAX_OBJECTS_SHOWN = 5;

export function summarizeCreateRequest(
  provider: ProviderId,
  kind: ResourceKind,
  request: Record<string, unknown>,
): CreateSummary {
  const target = createTarget(provider, kind);
  if (provider === 'huawei-oms') {
    return summarizeOms(target.label, request as OmsCreateTaskRequest | OmsCreateTaskGroupRequest);
  }
  if (provider === 'ncp') {
    const r = request as NcpCreatePolicyRequest;
    return {
      what: target.label,
      name: r.title,
      source: `${r.sourceCspType} ${r.sourceRegion} · ${joinPath(r.sourceBucket, r.sourcePrefix)}`,
      destination: `NCP Object Storage · ${joinPath(r.targetBucket, r.targetPrefix)}`,
      details: [],
    };
  }
  const r = request as UpCloudCreateJobRequest;
  return {
    what: target.label,
    name: r.name,
    source: `${r.sourceEndpoint} ${r.sourceRegion} · ${joinPath(r.sourceBucket, r.sourcePrefix)}`,
    destination: `UpCloud Object Storage · ${joinPath(r.targetBucket, r.targetPrefix)}`,
    details: [],
  };
}

function summarizeOms(what: string, r: OmsCreateTaskRequest | OmsCreateTaskGroupRequest): CreateSummary {
  const src = r.src_node;
  const list = src.list_file ? `list ${joinPath(src.list_file.obs_bucket, src.list_file.list_file_key)}` : '';
  const source = [src.cloud_type ?? 'AWS', src.region, src.bucket ? `· ${src.bucket}` : '', list]
    .filter(Boolean)
    .join(' ');
  const details: { label: string; value: string }[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value) details.push({ label, value });
  };
  add('Task type', r.task_type);
  add('Overwrite', r.object_overwrite_mode);
  add('Consistency check', r.consistency_check);
  add('Storage class', r.dst_storage_policy);
  if ('task_priority' in r) add('Priority', r.task_priority);
  add('Bandwidth', r.bandwidth_policy?.length ? describeBandwidth(r.bandwidth_policy) : undefined);
  const keys = src.object_key ?? [];
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

/** `00:00–06:00 ≤ 200 MB/s, 22:00–23:00 ≤ 50 MB/s` */
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

function formatRate(bytesPerSecond: number): string {
  const mb = bytesPerSecond / 1024 ** 2;
  return Number.isInteger(mb) ? `${mb} MB/s` : `${mb.toFixed(1)} MB/s`;
}

function joinPath(bucket: string, prefix: string | undefined): string {
  if (!prefix) return bucket;
  return `${bucket}/${prefix.replace(/^\/+/, '')}`;
}
