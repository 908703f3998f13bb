import { lines, parseBandwidthLines } from '../bandwidth-grammar.js';
import type { FormValues } from '../definition.js';
import { type FieldMap, type FieldWords, type FormResult, validateWithSchema } from '../form-result.js';
import { type BandwidthPolicyLike, bandwidthProblem, toBandwidthPolicy } from './bandwidth.js';
import type { OmsBucketSource } from './bucket-source.js';
import { obsBucketNameRule } from './obs-bucket-name.js';
import {
  BUCKET_CLOUD_TYPES,
  CONSISTENCY_CHECKS,
  DST_STORAGE_POLICIES,
  OBJECT_OVERWRITE_MODES,
  omsCreateTaskGroupRequestSchema,
  omsCreateTaskRequestSchema,
  TASK_GROUP_TYPES,
  TASK_PRIORITIES,
  TASK_TYPES,
} from './schemas.js';
import { omsError } from './words.js';

export type OmsCreateKind = 'task' | 'task-group';

/** Field names double as block ids (`src_region` carries the cloud as a variant: `src_region.AWS`). */
export const OMS_LABELS = {
  task_type: 'Task type',
  src_cloud: 'Source cloud',
  src_region: 'Source region',
  src_bucket: 'Source bucket',
  src_app_id: 'App ID',
  src_objects: 'Objects or prefixes',
  list_file: 'List file',
  dst_region: 'Destination region',
  dst_bucket: 'Destination bucket',
  dst_prefix: 'Save under prefix',
  overwrite: 'Overwrite mode',
  consistency: 'Consistency check',
  storage_class: 'Storage class',
  priority: 'Task priority',
  description: 'Description',
  bandwidth: 'Bandwidth windows',
} as const;
export type OmsField = keyof typeof OMS_LABELS;

export const OMS_TASK_TYPE_LABELS: Record<string, string> = {
  object: 'Objects (keys or folders)',
  prefix: 'Prefixes',
  list: 'Object list file',
  url_list: 'URL list file',
  PREFIX: 'Prefixes',
  LIST: 'Object list file',
  URL_LIST: 'URL list file',
};

export const OMS_DEFAULTS = {
  task: { task_type: 'prefix', priority: 'MEDIUM' },
  'task-group': { task_type: 'PREFIX' },
  overwrite: 'SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE',
  consistency: 'size_last_modified',
  storage_class: 'STANDARD',
} as const;

export function omsTaskTypes(kind: OmsCreateKind): readonly string[] {
  return kind === 'task' ? TASK_TYPES : TASK_GROUP_TYPES;
}

const NODE_FIELDS: Record<string, Record<string, OmsField>> = {
  src_node: {
    cloud_type: 'src_cloud',
    region: 'src_region',
    bucket: 'src_bucket',
    app_id: 'src_app_id',
    object_key: 'src_objects',
    list_file: 'list_file',
  },
  dst_node: { region: 'dst_region', bucket: 'dst_bucket', save_prefix: 'dst_prefix' },
};
const TOP_FIELDS: Record<string, OmsField> = {
  task_type: 'task_type',
  object_overwrite_mode: 'overwrite',
  consistency_check: 'consistency',
  dst_storage_policy: 'storage_class',
  task_priority: 'priority',
  description: 'description',
  bandwidth_policy: 'bandwidth',
};

const OMS_FIELD_MAP: FieldMap = {
  labels: OMS_LABELS,
  fallback: 'task_type',
  fieldFor(path) {
    const [first, second] = path;
    if (typeof first !== 'string') return undefined;
    if (first in NODE_FIELDS) return typeof second === 'string' ? NODE_FIELDS[first]?.[second] : undefined;
    return TOP_FIELDS[first];
  },
};

const USES_OBJECT_KEYS = new Set(['object', 'prefix', 'PREFIX']);
/** Tables 5-40 and 5-132, `object_key`: "If you want to migrate the entire bucket, set this parameter to [""]." */
const WHOLE_BUCKET: readonly string[] = [''];
const URL_LISTS = new Set(['url_list', 'URL_LIST']);

/** What a task type (and the source cloud) needs of the form. */
export interface OmsNeeds {
  /** A URL list: the source is URLSource, without region or bucket. */
  urlList: boolean;
  /** Source region and bucket (every type but URL lists). */
  sourceBucket: boolean;
  /** The list file (object-list and URL-list types). */
  listFile: boolean;
  /** Objects or prefixes may be listed (object and prefix types; empty is the whole bucket). */
  objects: boolean;
  /** The App ID (Tencent sources). */
  appId: boolean;
}

/**
 * Tables 5-40 and 5-132's conditional rules, in one place: the form marks what they ask for as
 * required (and nothing it asks for as optional) and its validation asks for the same, so no field
 * is labelled optional and then refused as missing.
 */
export function omsNeeds(taskType: string, cloud: string | undefined): OmsNeeds {
  const urlList = URL_LISTS.has(taskType);
  return {
    urlList,
    sourceBucket: !urlList,
    listFile: urlList || taskType.toLowerCase() === 'list',
    objects: USES_OBJECT_KEYS.has(taskType),
    appId: cloud === 'Tencent',
  };
}

/**
 * The OMS modal's values → `omsCreateTaskRequestSchema` / `omsCreateTaskGroupRequestSchema` input.
 * Checks what only the form knows (a list file written `bucket/key`, bandwidth lines, a bucket option
 * that was an error message), then lets the provider schema name every other problem.
 */
export function omsRequestFromForm(kind: OmsCreateKind, v: FormValues): FormResult {
  const taskType =
    v.task_type ?? (kind === 'task' ? OMS_DEFAULTS.task.task_type : OMS_DEFAULTS['task-group'].task_type);
  const errors: Record<string, string> = {};
  // Each message also as its words key (`form.huawei-oms.error.*`), for readers of other languages.
  const words: Record<string, FieldWords> = {};
  const say = (field: string, english: string, key: string, values?: FieldWords['values']) => {
    errors[field] = english;
    words[field] = {
      key: `form.huawei-oms.error.${key}`,
      ...(values ? { values } : {}),
      // `type` is the task type's label: said in the reader's words of that choice.
      ...(values?.type === undefined ? {} : { option: { field: 'task_type', value: taskType } }),
    };
  };
  const sayFirst = (field: string, english: string, key: string, values?: FieldWords['values']) => {
    if (errors[field] === undefined) say(field, english, key, values);
  };
  const knownType = omsTaskTypes(kind).includes(taskType);
  if (!knownType) {
    errors.task_type = `Task type must be one of ${omsTaskTypes(kind).join(', ')}.`;
    words.task_type = {
      key: 'create.field.oneOf',
      values: { label: OMS_LABELS.task_type, options: omsTaskTypes(kind).join(', ') },
    };
  }
  // Typed text, so never a key looked up as is (`__proto__` would find Object's prototype).
  const typeLabel =
    (Object.hasOwn(OMS_TASK_TYPE_LABELS, taskType) ? OMS_TASK_TYPE_LABELS[taskType] : undefined) ?? taskType;
  if (!v.src_cloud) say('src_cloud', 'Pick the cloud the data comes from.', 'pickCloud');
  else if (!(BUCKET_CLOUD_TYPES as readonly string[]).includes(v.src_cloud)) {
    const cloud = v.src_cloud.slice(0, 40);
    say('src_cloud', `OMS cannot migrate from ${cloud}.`, 'cloud', { cloud });
  }
  if (v.src_bucket?.startsWith('__')) {
    say(
      'src_bucket',
      'Pick a bucket from the list (type to search), or leave it empty for a URL list.',
      'pickBucket',
    );
  }
  const needs = omsNeeds(taskType, v.src_cloud);
  const objects = lines(v.src_objects);
  if (knownType && objects.length > 0 && !needs.objects) {
    say(
      'src_objects',
      `Objects and prefixes are not used when the task type is ${typeLabel}: clear them, or pick Prefixes.`,
      'objectsUnused',
      { type: typeLabel },
    );
  }
  let listFile: { obs_bucket: string; list_file_key: string } | undefined;
  if (v.list_file) {
    const slash = v.list_file.indexOf('/');
    if (slash <= 0 || slash === v.list_file.length - 1) {
      say(
        'list_file',
        'List file must be written <OBS bucket>/<object key>, e.g. my-lists/objects.txt.',
        'listFile',
      );
    } else {
      listFile = { obs_bucket: v.list_file.slice(0, slash), list_file_key: v.list_file.slice(slash + 1) };
      const problem = obsBucketNameRule(listFile.obs_bucket);
      if (problem) {
        errors.list_file = `The list file's bucket is on OBS. ${problem.english}`;
        words.list_file = problem.words;
      }
    }
  }
  // The destination is always OBS: its naming rules apply before any request is made.
  const dstProblem = v.dst_bucket ? obsBucketNameRule(v.dst_bucket) : undefined;
  if (dstProblem) {
    errors.dst_bucket = dstProblem.english;
    words.dst_bucket = dstProblem.words;
  }
  // The provider schema's conditional rules (checkSource) run only once the rest parses; asking
  // them here too shows every problem in one go, in the form's words.
  if (needs.urlList && v.src_cloud && v.src_cloud !== 'URLSource') {
    sayFirst('src_cloud', `Source cloud must be URLSource when the task type is ${typeLabel}.`, 'urlSource', {
      type: typeLabel,
    });
  }
  // Said as the form labels these fields for this task type: required, never "(optional)".
  if (needs.sourceBucket && !v.src_region)
    sayFirst('src_region', `The task type ${typeLabel} needs the source region: pick one.`, 'srcRegion', {
      type: typeLabel,
    });
  if (needs.sourceBucket && !v.src_bucket)
    sayFirst(
      'src_bucket',
      `The task type ${typeLabel} needs the source bucket: pick one from the list.`,
      'srcBucket',
      { type: typeLabel },
    );
  if (needs.listFile && !v.list_file) {
    sayFirst(
      'list_file',
      `The task type ${typeLabel} needs the list file: <OBS bucket>/<object key>.`,
      'listNeeded',
      {
        type: typeLabel,
      },
    );
  }
  if (needs.appId && !v.src_app_id)
    sayFirst('src_app_id', 'App ID is required when the source cloud is Tencent.', 'appId');
  const bandwidth = parseOmsBandwidth(v.bandwidth);
  if (!bandwidth.ok) {
    errors.bandwidth = bandwidth.error;
    if (bandwidth.words) words.bandwidth = bandwidth.words;
  }

  const request: Record<string, unknown> = {
    task_type: taskType,
    src_node: compact({
      cloud_type: v.src_cloud,
      region: v.src_region,
      bucket: v.src_bucket?.startsWith('__') ? undefined : v.src_bucket,
      app_id: v.src_app_id,
      // An empty field is the whole bucket, as the form's hint says; OMS is told so explicitly.
      object_key: USES_OBJECT_KEYS.has(taskType)
        ? objects.length > 0
          ? objects
          : [...WHOLE_BUCKET]
        : undefined,
      list_file: listFile,
    }),
    dst_node: compact({ region: v.dst_region, bucket: v.dst_bucket, save_prefix: v.dst_prefix }),
    ...compact({
      object_overwrite_mode: v.overwrite,
      consistency_check: v.consistency,
      dst_storage_policy: v.storage_class,
      description: v.description,
      bandwidth_policy:
        bandwidth.ok && bandwidth.windows.length > 0 ? bandwidth.windows.map(toBandwidthPolicy) : undefined,
    }),
  };
  if (kind === 'task') {
    if (v.priority) request.task_priority = v.priority;
    return validateWithSchema(omsCreateTaskRequestSchema, request, OMS_FIELD_MAP, errors, words);
  }
  return validateWithSchema(omsCreateTaskGroupRequestSchema, request, OMS_FIELD_MAP, errors, words);
}

/** What the submit handler checks with OMS's prefix check: the listed keys in the source bucket. */
export function omsPrefixCheck(
  request: Record<string, unknown>,
): { source: OmsBucketSource; prefixes: string[] } | undefined {
  const src = request.src_node as
    | { cloud_type?: string; region?: string; bucket?: string; app_id?: string; object_key?: string[] }
    | undefined;
  const type = String(request.task_type ?? '');
  const prefixes = src?.object_key?.filter((key) => key !== '') ?? [];
  if (!src || prefixes.length === 0 || !src.bucket || !src.region || !src.cloud_type) return undefined;
  if (URL_LISTS.has(type) || !USES_OBJECT_KEYS.has(type)) return undefined;
  return {
    source: {
      cloudType: src.cloud_type as OmsBucketSource['cloudType'],
      region: src.region,
      bucket: src.bucket,
      appId: src.app_id,
    },
    prefixes,
  };
}

/** The shared grammar, then OMS's own rules (at most 5, no overlap, 1–200 MB/s). */
export function parseOmsBandwidth(text: string | undefined) {
  const parsed = parseBandwidthLines(text);
  if (!parsed.ok) return parsed;
  const problem = bandwidthProblem(parsed.windows.map(toBandwidthPolicy));
  if (problem) return { ok: false as const, error: sentence(problem.message), words: problem.words };
  return parsed;
}

/**
 * Windows typed outside the form (`/migrate bandwidth`) are refused before OMS is asked, naming the
 * field as the form labels it ("Bandwidth windows: Window 1: start and end must differ."), in the
 * reader's language: never by the request's own names (`bandwidth_policy[0].end`), which mean
 * nothing to whoever typed them.
 */
export function refuseBandwidthPolicies(policies: readonly BandwidthPolicyLike[]): void {
  const problem = bandwidthProblem(policies);
  if (!problem) return;
  // `fixKey`: the problem's own words, put in as `fix` in each reader's language (English too).
  throw omsError('form.huawei-oms.error.bandwidth.named', {
    ...problem.words.values,
    fixKey: problem.words.key,
  });
}

function sentence(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

export const OMS_CHOICES = {
  overwrite: OBJECT_OVERWRITE_MODES,
  consistency: CONSISTENCY_CHECKS,
  storage_class: DST_STORAGE_POLICIES,
  priority: TASK_PRIORITIES,
} as const;

function compact<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
