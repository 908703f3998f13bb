import type { KnownBlock, ModalView } from '@slack/types';
import { NCP_SOURCE_CSP_TYPES } from '../../../providers/ncp/schemas.js';
import { NCP_LABELS } from '../../create-forms/ncp-form.js';
import { UPCLOUD_LABELS } from '../../create-forms/upcloud-form.js';
import type { FormValues } from '../../create-forms/view-state.js';
import { code } from '../mrkdwn.js';
import {
  CREATE_CALLBACKS,
  channelInput,
  context,
  modal,
  options,
  RESULT_CHANNEL_FIELD,
  section,
  selectInput,
  textInput,
} from './modal-kit.js';

export interface SimpleModalData {
  connection: string;
  needsChannel: boolean;
  initial?: FormValues;
  privateMetadata: string;
}

function channelBlocks(d: SimpleModalData): KnownBlock[] {
  if (!d.needsChannel) return [];
  return [
    channelInput({
      field: RESULT_CHANNEL_FIELD,
      label: 'Post updates in',
      initial: d.initial?.[RESULT_CHANNEL_FIELD],
      hint: 'The new migration’s card and your notices go there.',
    }),
  ];
}

/** NCP migration policy: title, source (AWS or Azure) region, bucket and prefix, target bucket and prefix. */
export function renderNcpModal(d: SimpleModalData): ModalView {
  const v = d.initial ?? {};
  return modal({
    callbackId: CREATE_CALLBACKS.form,
    title: 'New NCP policy',
    submit: 'Request approval',
    privateMetadata: d.privateMetadata,
    blocks: [
      section(
        `A new *migration policy* on ${code(d.connection)}. The source bucket keys come from the connection; ` +
          'the target region is the connection’s.',
      ),
      textInput({
        field: 'title',
        label: NCP_LABELS.title,
        initial: v.title,
        hint: 'At most 100 bytes: letters, digits, ".", "-" and "_".',
      }),
      selectInput({
        field: 'src_csp',
        label: NCP_LABELS.src_csp,
        choices: options(NCP_SOURCE_CSP_TYPES.map((c) => ({ text: c, value: c }))),
        initial: v.src_csp ?? 'AWS',
      }),
      textInput({
        field: 'src_region',
        label: NCP_LABELS.src_region,
        initial: v.src_region,
        placeholder: 'ap-northeast-2',
      }),
      textInput({ field: 'src_bucket', label: NCP_LABELS.src_bucket, initial: v.src_bucket }),
      textInput({ field: 'src_prefix', label: NCP_LABELS.src_prefix, initial: v.src_prefix, optional: true }),
      textInput({ field: 'dst_bucket', label: NCP_LABELS.dst_bucket, initial: v.dst_bucket }),
      textInput({ field: 'dst_prefix', label: NCP_LABELS.dst_prefix, initial: v.dst_prefix, optional: true }),
      ...channelBlocks(d),
      context('Nothing is created until an approver approves the request.'),
    ],
  });
}

/** UpCloud data-migration job: name, S3 source endpoint, region, bucket and prefix, target bucket and prefix. */
export function renderUpCloudModal(d: SimpleModalData): ModalView {
  const v = d.initial ?? {};
  return modal({
    callbackId: CREATE_CALLBACKS.form,
    title: 'New UpCloud job',
    submit: 'Request approval',
    privateMetadata: d.privateMetadata,
    blocks: [
      section(
        `A new *data-migration job* on ${code(d.connection)}. The source bucket keys come from the connection.`,
      ),
      textInput({ field: 'name', label: UPCLOUD_LABELS.name, initial: v.name, maxLength: 255 }),
      textInput({
        field: 'src_endpoint',
        label: UPCLOUD_LABELS.src_endpoint,
        initial: v.src_endpoint,
        placeholder: 'https://s3.eu-central-1.amazonaws.com',
      }),
      textInput({
        field: 'src_region',
        label: UPCLOUD_LABELS.src_region,
        initial: v.src_region,
        placeholder: 'eu-central-1',
      }),
      textInput({ field: 'src_bucket', label: UPCLOUD_LABELS.src_bucket, initial: v.src_bucket }),
      textInput({
        field: 'src_prefix',
        label: UPCLOUD_LABELS.src_prefix,
        initial: v.src_prefix,
        optional: true,
      }),
      textInput({ field: 'dst_bucket', label: UPCLOUD_LABELS.dst_bucket, initial: v.dst_bucket }),
      textInput({
        field: 'dst_prefix',
        label: UPCLOUD_LABELS.dst_prefix,
        initial: v.dst_prefix,
        optional: true,
      }),
      ...channelBlocks(d),
      context('Nothing is created until an approver approves the request.'),
    ],
  });
}
