import type { KnownBlock, ModalView } from '@slack/types';
import { CLOUD_TYPES } from '../../../providers/huawei-oms/schemas.js';
import { BANDWIDTH_EXAMPLE } from '../../create-forms/bandwidth-windows.js';
import {
  OMS_CHOICES,
  OMS_DEFAULTS,
  OMS_LABELS,
  OMS_TASK_TYPE_LABELS,
  type OmsCreateKind,
  omsTaskTypes,
} from '../../create-forms/oms-form.js';
import type { FormValues } from '../../create-forms/view-state.js';
import { code } from '../mrkdwn.js';
import {
  CREATE_CALLBACKS,
  channelInput,
  context,
  externalSelectInput,
  modal,
  options,
  RESULT_CHANNEL_FIELD,
  section,
  selectInput,
  textInput,
} from './modal-kit.js';

export interface RegionChoice {
  value: string;
  description?: string | null;
}

export interface OmsModalData {
  kind: OmsCreateKind;
  connection: string;
  /** Source clouds from OMS's vendors call. */
  vendors: readonly string[];
  /** The chosen source cloud; its regions are `sourceRegions`. */
  sourceCloud?: string;
  sourceRegions: readonly RegionChoice[];
  /** Huawei Cloud regions (the destination is OBS). */
  destinationRegions: readonly RegionChoice[];
  /** The region of the connection's endpoint, when its host says it. */
  defaultDestinationRegion?: string;
  /** A global shortcut has no channel: the form asks where updates go. */
  needsChannel: boolean;
  /** Values already typed (kept when the form is redrawn for another cloud). */
  initial?: FormValues;
  privateMetadata: string;
}

const SIMPLE_LABELS: Record<string, string> = {
  NO_OVERWRITE: 'Never overwrite',
  SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE: 'Overwrite if size or date differ',
  CRC64_COMPARISON_OVERWRITE: 'Overwrite if CRC64 differs',
  FULL_OVERWRITE: 'Always overwrite',
  size_last_modified: 'Size and last modified',
  crc64: 'CRC64',
  no_check: 'No check',
  STANDARD: 'Standard',
  IA: 'Infrequent access',
  ARCHIVE: 'Archive',
  DEEP_ARCHIVE: 'Deep archive',
  SRC_STORAGE_MAPPING: 'Same as source',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
};

function choices(values: readonly string[], labels: Record<string, string> = SIMPLE_LABELS) {
  return options(values.map((v) => ({ text: labels[v] ?? v, value: v })));
}

function regionChoices(regions: readonly RegionChoice[]) {
  return options(
    regions.map((r) => ({ text: r.description ? `${r.value} · ${r.description}` : r.value, value: r.value })),
  );
}

/**
 * The OMS task / task group form: task type, source cloud (vendors call; changing it redraws the
 * form with that cloud's regions), source region (regions call), source bucket (external select fed
 * by list-buckets), objects or prefixes (checked on submit), list file, destination, overwrite mode,
 * consistency check, storage class, priority, description and bandwidth windows.
 */
export function renderOmsModal(d: OmsModalData): ModalView {
  const v = d.initial ?? {};
  const group = d.kind === 'task-group';
  const clouds = d.vendors.filter((c) => (CLOUD_TYPES as readonly string[]).includes(c));
  const cloud = d.sourceCloud ?? v.src_cloud ?? (clouds.includes('AWS') ? 'AWS' : clouds[0]);
  const defaults = group ? OMS_DEFAULTS['task-group'] : OMS_DEFAULTS.task;
  const blocks: KnownBlock[] = [
    section(
      `A new *${group ? 'task group' : 'migration task'}* on ${code(d.connection)}. Bucket keys come from the connection: ` +
        'nothing secret is typed here. An approver reviews the request before it is created.',
    ),
    selectInput({
      field: 'task_type',
      label: OMS_LABELS.task_type,
      choices: choices(omsTaskTypes(d.kind), OMS_TASK_TYPE_LABELS),
      initial: v.task_type ?? defaults.task_type,
    }),
    { type: 'header', text: { type: 'plain_text', text: 'Source' } },
    selectInput({
      field: 'src_cloud',
      label: OMS_LABELS.src_cloud,
      choices: choices(clouds, {}),
      initial: cloud,
      dispatch: true,
      hint: 'URL lists use URLSource.',
    }),
    selectInput({
      field: 'src_region',
      // A new block id per cloud, so Slack does not keep a region of the previous cloud.
      blockId: `src_region.${cloud ?? 'none'}`,
      label: OMS_LABELS.src_region,
      choices: regionChoices(d.sourceRegions),
      initial: v.src_region,
      optional: true,
      hint: d.sourceRegions.length === 0 ? `OMS lists no regions for ${cloud ?? 'this cloud'}.` : undefined,
    }),
    externalSelectInput({
      field: 'src_bucket',
      // Like the region: a new block id per cloud, so Slack drops the previous cloud's bucket.
      blockId: `src_bucket.${cloud ?? 'none'}`,
      label: OMS_LABELS.src_bucket,
      initial: v.src_bucket?.startsWith('__') ? undefined : v.src_bucket,
      optional: true,
      hint: 'Listed with the connection’s source keys. Not needed for URL lists.',
    }),
    textInput({
      field: 'src_objects',
      label: OMS_LABELS.src_objects,
      multiline: true,
      optional: true,
      initial: v.src_objects,
      placeholder: 'photos/2024/\nlogs/app.log',
      hint: 'One per line; each is checked in the source bucket when you submit. Empty: the whole bucket.',
    }),
    textInput({
      field: 'list_file',
      label: OMS_LABELS.list_file,
      optional: true,
      initial: v.list_file,
      placeholder: 'my-lists/objects.txt',
      hint: 'For object-list and URL-list tasks: <OBS bucket>/<object key> of the list.',
    }),
    textInput({
      field: 'src_app_id',
      label: OMS_LABELS.src_app_id,
      optional: true,
      initial: v.src_app_id,
      hint: 'Tencent sources only.',
    }),
    { type: 'header', text: { type: 'plain_text', text: 'Destination (Huawei OBS)' } },
    selectInput({
      field: 'dst_region',
      label: OMS_LABELS.dst_region,
      choices: regionChoices(d.destinationRegions),
      initial: v.dst_region ?? d.defaultDestinationRegion,
    }),
    textInput({
      field: 'dst_bucket',
      label: OMS_LABELS.dst_bucket,
      initial: v.dst_bucket,
      maxLength: 1024,
    }),
    textInput({
      field: 'dst_prefix',
      label: OMS_LABELS.dst_prefix,
      optional: true,
      initial: v.dst_prefix,
      maxLength: 1024,
    }),
    { type: 'header', text: { type: 'plain_text', text: 'Options' } },
    selectInput({
      field: 'overwrite',
      label: OMS_LABELS.overwrite,
      choices: choices(OMS_CHOICES.overwrite),
      initial: v.overwrite ?? OMS_DEFAULTS.overwrite,
    }),
    selectInput({
      field: 'consistency',
      label: OMS_LABELS.consistency,
      choices: choices(OMS_CHOICES.consistency),
      initial: v.consistency ?? OMS_DEFAULTS.consistency,
    }),
    selectInput({
      field: 'storage_class',
      label: OMS_LABELS.storage_class,
      choices: choices(OMS_CHOICES.storage_class),
      initial: v.storage_class ?? OMS_DEFAULTS.storage_class,
      optional: true,
    }),
  ];
  if (!group) {
    blocks.push(
      selectInput({
        field: 'priority',
        label: OMS_LABELS.priority,
        choices: choices(OMS_CHOICES.priority),
        initial: v.priority ?? OMS_DEFAULTS.task.priority,
        optional: true,
      }),
    );
  }
  blocks.push(
    textInput({
      field: 'description',
      label: OMS_LABELS.description,
      optional: true,
      initial: v.description,
      maxLength: 255,
    }),
    textInput({
      field: 'bandwidth',
      label: OMS_LABELS.bandwidth,
      multiline: true,
      optional: true,
      initial: v.bandwidth,
      placeholder: BANDWIDTH_EXAMPLE,
      hint: `One window per line, e.g. ${BANDWIDTH_EXAMPLE}: at most 5, not overlapping, 1–200 MB/s each. Empty: no limit.`,
    }),
  );
  if (d.needsChannel) {
    blocks.push(
      channelInput({
        field: RESULT_CHANNEL_FIELD,
        label: 'Post updates in',
        initial: v[RESULT_CHANNEL_FIELD],
        hint: 'The new migration’s card and your notices go there.',
      }),
    );
  }
  blocks.push(context('Nothing is created until an approver approves the request.'));
  return modal({
    callbackId: CREATE_CALLBACKS.form,
    title: group ? 'New OMS task group' : 'New OMS task',
    submit: 'Request approval',
    close: 'Cancel',
    privateMetadata: d.privateMetadata,
    blocks,
  });
}
