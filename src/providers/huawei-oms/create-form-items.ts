import type { Connection } from '../../connections/connection.js';
import { asAppError, ProviderError } from '../../errors.js';
import { BANDWIDTH_EXAMPLE } from '../bandwidth-grammar.js';
import type { FormContext, FormItem, FormSay } from '../definition.js';
import { ownEntry } from '../provider-catalogue.js';
import type { MigrationProvider } from '../types.js';
import { withTimeout } from '../with-timeout.js';
import { omsCatalogue } from './catalogue.js';
import {
  OMS_CHOICES,
  OMS_DEFAULTS,
  OMS_LABELS,
  OMS_TASK_TYPE_LABELS,
  type OmsCreateKind,
  omsNeeds,
  omsPrefixCheck,
  omsTaskTypes,
} from './create-form.js';
import { HuaweiOmsProvider } from './index.js';
import { CLOUD_TYPES, type ShowRegionInfoResp } from './schemas.js';
import { VALUE_WORDS } from './value-words.js';
import { omsError } from './words.js';

/** Longest the form waits for OMS's vendors and regions before saying it could not load. */
const LOAD_TIMEOUT_MS = 10_000;
/** Slack waits 3 s for a view submission's answer: the prefix check gets at most this much. */
const PREFIX_CHECK_BUDGET_MS = 2_000;
/** Parallel prefix checks (OMS checks one prefix per call). */
const PREFIX_CHECK_LANES = 5;

export interface RegionChoice {
  value: string;
  description?: string | null;
}

/** What the OMS form loads before it opens: the source clouds and every cloud's regions. */
export interface OmsFormData {
  vendors: readonly string[];
  regions: readonly ShowRegionInfoResp[];
}

function oms(provider: MigrationProvider): HuaweiOmsProvider {
  if (!(provider instanceof HuaweiOmsProvider)) {
    throw omsError('error.huawei-oms.notOmsConnection', { connection: provider.connection });
  }
  return provider;
}

export async function loadOmsForm(provider: MigrationProvider): Promise<OmsFormData> {
  const hw = oms(provider);
  const [vendors, regions] = await withTimeout(
    Promise.all([hw.listCloudVendors('src'), hw.listRegions()]),
    LOAD_TIMEOUT_MS,
    'OMS did not answer in time',
  );
  return { vendors, regions };
}

function choices(values: readonly string[], labels: Readonly<Record<string, string>> = VALUE_WORDS) {
  return values.map((v) => ({ text: labels[v] ?? v, value: v }));
}

function regionChoices(regions: readonly RegionChoice[]) {
  return regions.map((r) => ({
    text: r.description ? `${r.value} · ${r.description}` : r.value,
    value: r.value,
  }));
}

/** A cloud's regions from the regions call (a service's list, or entries tagged with the cloud). */
export function regionsOf(services: readonly ShowRegionInfoResp[], cloud: string): RegionChoice[] {
  const wanted = cloud.toUpperCase();
  const seen = new Set<string>();
  const out: RegionChoice[] = [];
  for (const service of services) {
    const serviceMatches = service.service_name?.toUpperCase() === wanted;
    for (const region of service.region_list) {
      const matches = serviceMatches || region.cloud_type?.toUpperCase() === wanted;
      if (!matches || seen.has(region.value)) continue;
      seen.add(region.value);
      out.push({ value: region.value, description: region.description });
    }
  }
  return out;
}

/** The region of the connection's endpoint, when its host says it. */
export function endpointRegion(connection: Connection): string | undefined {
  return /\boms\.([a-z0-9-]+)\./.exec(connection.endpoint)?.[1];
}

/**
 * Tables 5-42 and 5-134, `dst_node.region`: "The value must be the same as that of the service
 * endpoint." So the endpoint's own region is the only choice (with OMS's description when the
 * regions call lists it); any other would be refused with OMS.0080 after the approval. Only an
 * endpoint that names no region (a private or test endpoint) offers the HuaweiCloud regions listed.
 */
function destinationRegionsFor(here: string | undefined, listed: readonly RegionChoice[]): RegionChoice[] {
  if (!here) return [...listed];
  return [listed.find((r) => r.value === here) ?? { value: here }];
}

/**
 * The OMS task / task group form: task type, source cloud (vendors call; changing it redraws the
 * form with that cloud's regions), source region (regions call), source bucket (listed by the
 * provider), objects or prefixes (checked on submit), list file, destination, overwrite mode,
 * consistency check, storage class, priority, description and bandwidth windows.
 */
export function omsFormItems(kind: OmsCreateKind, context: FormContext): FormItem[] {
  const data = (context.data as OmsFormData | undefined) ?? { vendors: [], regions: [] };
  const v = context.values;
  const group = kind === 'task-group';
  const defaults = group ? OMS_DEFAULTS['task-group'] : OMS_DEFAULTS.task;
  const taskType = v.task_type ?? defaults.task_type;
  const urlList = omsNeeds(taskType, undefined).urlList;
  const clouds = data.vendors.filter((c) => (CLOUD_TYPES as readonly string[]).includes(c));
  const picked = v.src_cloud === 'URLSource' ? undefined : v.src_cloud;
  // A URL list reads from URLSource (Table 5-40): picking that type picks it (a new block id below).
  const cloud = urlList
    ? 'URLSource'
    : (picked ??
      (data.vendors.includes('AWS') ? 'AWS' : data.vendors[0]) ??
      (clouds.includes('AWS') ? 'AWS' : clouds[0]));
  const needs = omsNeeds(taskType, cloud);
  const sourceRegions = cloud ? regionsOf(data.regions, cloud) : [];
  const here = endpointRegion(context.connection);
  const destinationRegions = destinationRegionsFor(here, regionsOf(data.regions, 'HuaweiCloud'));
  const items: FormItem[] = [
    {
      type: 'select',
      field: 'task_type',
      label: OMS_LABELS.task_type,
      options: choices(omsTaskTypes(kind), OMS_TASK_TYPE_LABELS),
      initial: defaults.task_type,
      // What the source needs depends on the type: the form is redrawn to say so (what it needs is
      // required, the rest optional), rather than calling a field optional and refusing it later.
      redraw: { clears: [] },
    },
    { type: 'header', id: 'source', text: 'Source' },
    {
      type: 'select',
      field: 'src_cloud',
      // A URL list's own block id, so Slack shows URLSource picked, and the previous cloud after it.
      ...(urlList ? { variant: 'url', pinned: true } : {}),
      label: OMS_LABELS.src_cloud,
      options: choices(clouds, {}),
      initial: cloud,
      hint: 'URL lists use URLSource.',
      redraw: { clears: ['src_region', 'src_bucket'] },
    },
    {
      type: 'select',
      field: 'src_region',
      // A new block id per cloud, so Slack does not keep a region of the previous cloud.
      variant: cloud ?? 'none',
      label: OMS_LABELS.src_region,
      options: regionChoices(sourceRegions),
      optional: !needs.sourceBucket,
      ...(needs.sourceBucket
        ? {
            hint:
              sourceRegions.length === 0 ? `OMS lists no regions for ${cloud ?? 'this cloud'}.` : undefined,
          }
        : { hint: 'Not used for URL lists.', hintKey: 'urlList' }),
    },
    {
      type: 'bucket',
      field: 'src_bucket',
      // Like the region: a new block id per cloud, so Slack drops the previous cloud's bucket.
      variant: cloud ?? 'none',
      label: OMS_LABELS.src_bucket,
      optional: !needs.sourceBucket,
      hint: 'Listed with the connection’s source keys. Not needed for URL lists.',
    },
    {
      type: 'text',
      field: 'src_objects',
      label: OMS_LABELS.src_objects,
      multiline: true,
      optional: true,
      placeholder: 'photos/2024/\nlogs/app.log',
      ...(needs.objects
        ? {
            hint: 'One per line; each is checked in the source bucket when you submit. Empty: the whole bucket.',
          }
        : { hint: 'Not used for list-file tasks: leave it empty.', hintKey: 'listFile' }),
    },
    {
      type: 'text',
      field: 'list_file',
      label: OMS_LABELS.list_file,
      optional: !needs.listFile,
      placeholder: 'my-lists/objects.txt',
      hint: 'For object-list and URL-list tasks: <OBS bucket>/<object key> of the list.',
    },
    {
      type: 'text',
      field: 'src_app_id',
      label: OMS_LABELS.src_app_id,
      optional: !needs.appId,
      hint: 'Tencent sources only.',
    },
    { type: 'header', id: 'destination', text: 'Destination (Huawei OBS)' },
    {
      type: 'select',
      field: 'dst_region',
      label: OMS_LABELS.dst_region,
      options: regionChoices(destinationRegions),
      initial: destinationRegions.find((r) => r.value === here)?.value ?? destinationRegions[0]?.value,
    },
    { type: 'text', field: 'dst_bucket', label: OMS_LABELS.dst_bucket, maxLength: 1024 },
    { type: 'text', field: 'dst_prefix', label: OMS_LABELS.dst_prefix, optional: true, maxLength: 1024 },
    { type: 'header', id: 'options', text: 'Options' },
    {
      type: 'select',
      field: 'overwrite',
      label: OMS_LABELS.overwrite,
      options: choices(OMS_CHOICES.overwrite),
      initial: OMS_DEFAULTS.overwrite,
    },
    {
      type: 'select',
      field: 'consistency',
      label: OMS_LABELS.consistency,
      options: choices(OMS_CHOICES.consistency),
      initial: OMS_DEFAULTS.consistency,
    },
    {
      type: 'select',
      field: 'storage_class',
      label: OMS_LABELS.storage_class,
      options: choices(OMS_CHOICES.storage_class),
      initial: OMS_DEFAULTS.storage_class,
      optional: true,
    },
  ];
  if (!group) {
    items.push({
      type: 'select',
      field: 'priority',
      label: OMS_LABELS.priority,
      options: choices(OMS_CHOICES.priority),
      initial: OMS_DEFAULTS.task.priority,
      optional: true,
    });
  }
  items.push(
    { type: 'text', field: 'description', label: OMS_LABELS.description, optional: true, maxLength: 255 },
    {
      type: 'bandwidth',
      field: 'bandwidth',
      label: OMS_LABELS.bandwidth,
      optional: true,
      hint: `One window per line, e.g. ${BANDWIDTH_EXAMPLE}: at most 5, not overlapping, 1–200 MB/s each. Empty: no limit.`,
    },
  );
  return items;
}

/**
 * Where a failed check belongs on the form: the field the provider's answer is about, so the person
 * sees it beside what to change (a region mismatch is not a problem with the prefixes).
 */
const CHECK_FAILURE_FIELDS: Readonly<Record<string, { field: string; words: string }>> = {
  'OMS.0182': { field: 'src_region', words: 'form.huawei-oms.check.regionMismatch' },
  'OMS.0153': { field: 'src_bucket', words: 'form.huawei-oms.check.noBucket' },
  'OMS.0155': { field: 'src_bucket', words: 'form.huawei-oms.check.noBucket' },
};

/**
 * Every listed object or prefix must exist in the source bucket: field → problem otherwise, in the
 * reader's words. The provider's own message is never quoted (it can be a long internal dump):
 * its code is, beside what to change.
 */
export async function checkOmsPrefixes(
  provider: MigrationProvider,
  request: Record<string, unknown>,
  say: FormSay,
): Promise<Record<string, string>> {
  const check = omsPrefixCheck(request);
  if (!check) return {};
  const hw = oms(provider);
  const size = Math.ceil(check.prefixes.length / PREFIX_CHECK_LANES);
  const lanes: string[][] = [];
  for (let i = 0; i < check.prefixes.length; i += size) lanes.push(check.prefixes.slice(i, i + size));
  const { bucket = '', region = '' } = check.source;
  try {
    const results = (
      await withTimeout(
        Promise.all(lanes.map((lane) => hw.checkPrefixes(check.source, lane))),
        PREFIX_CHECK_BUDGET_MS,
        'OMS did not answer in time',
      )
    ).flat();
    const missing = results.filter((r) => !r.exists).map((r) => r.prefix);
    if (missing.length === 0) return {};
    return {
      src_objects: say('form.huawei-oms.check.missing', {
        bucket,
        region,
        prefixes: missing.slice(0, 5).join(', '),
        more: Math.max(0, missing.length - 5),
        n: missing.length,
      }),
    };
  } catch (error) {
    const e = asAppError(error);
    const code =
      e instanceof ProviderError ? ownEntry(omsCatalogue, e.errorCode, e.httpStatus)?.code : undefined;
    const placed = code ? CHECK_FAILURE_FIELDS[code] : undefined;
    if (placed) return { [placed.field]: say(placed.words, { bucket, region, code: code! }) };
    return {
      src_objects: say(code ? 'form.huawei-oms.check.refused' : 'form.huawei-oms.check.noAnswer', {
        bucket,
        code: code ?? '',
      }),
    };
  }
}
