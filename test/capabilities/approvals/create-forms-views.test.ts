import { describe, expect, it } from 'vitest';
import { blockLimitProblems } from '../../../dev/fake-slack/block-limits.js';
import { renderRequesterNotice } from '../../../src/capabilities/approvals/blocks/approval-notices.js';
import { renderApprovalRequest } from '../../../src/capabilities/approvals/blocks/approval-request.js';
import type { ApprovalRecord } from '../../../src/capabilities/shared/approval-record.js';
import { createTargets, summarizeCreateRequest } from '../../../src/providers/create-request.js';
import { omsRequestFromForm } from '../../../src/providers/huawei-oms/create-form.js';
import { regionsOf } from '../../../src/providers/huawei-oms/create-form-items.js';
import { describeBandwidth } from '../../../src/providers/huawei-oms/summary.js';
import { pickerModal } from '../../../src/slack/blocks/create/flow-modals.js';
import { decodeFormMetadata, encodeFormMetadata } from '../../../src/slack/create-forms/metadata.js';
import { errorsForBlocks, readForm } from '../../../src/slack/create-forms/view-state.js';
import { createChoices } from '../../../src/slack/listeners/views/create-flow.js';
import { renderNcpModal, renderOmsModal, renderUpCloudModal } from '../../harness/create-form-views.js';
import { stateFor, viewLimitProblems } from '../../harness/interactions.js';
import { OMS_OK } from './oms-form-values.js';

// The create forms as views: the OMS destination region, the view state and metadata, the choices and
// regions offered, and renderers within Block Kit's limits.

const MB = 1024 ** 2;

describe('the OMS destination region', () => {
  /** The options of the destination-region select. */
  const destinationOptions = (view: ReturnType<typeof renderOmsModal>) => {
    const block = (view.blocks as { block_id?: string; element?: { options?: { value: string }[] } }[]).find(
      (b) => b.block_id?.split('.')[0] === 'dst_region',
    );
    return block?.element?.options?.map((o) => o.value);
  };
  const modal = (defaultDestinationRegion: string | undefined) =>
    renderOmsModal({
      kind: 'task',
      connection: 'hw-prod',
      vendors: ['AWS'],
      sourceRegions: [{ value: 'us-east-1' }],
      destinationRegions: [{ value: 'cn-east-3' }, { value: 'cn-north-4', description: 'Beijing 4' }],
      defaultDestinationRegion,
      needsChannel: false,
      privateMetadata: '{}',
    });

  it("is the service endpoint's own region only (Tables 5-42, 5-134: OMS refuses another with OMS.0080)", () => {
    expect(destinationOptions(modal('cn-north-4'))).toEqual(['cn-north-4']);
    // Even when the regions call does not list it.
    expect(destinationOptions(modal('ap-southeast-1'))).toEqual(['ap-southeast-1']);
  });

  it('offers the listed HuaweiCloud regions when the endpoint names no region', () => {
    expect(destinationOptions(modal(undefined))).toEqual(['cn-east-3', 'cn-north-4']);
  });
});

describe('view state and metadata', () => {
  it('reads every input kind by field and maps errors back to the block ids', () => {
    const view = renderOmsModal({
      kind: 'task',
      connection: 'hw-prod',
      vendors: ['AWS', 'Aliyun'],
      sourceRegions: [{ value: 'us-east-1', description: 'N. Virginia' }],
      destinationRegions: [{ value: 'cn-north-4' }],
      defaultDestinationRegion: 'cn-north-4',
      needsChannel: true,
      privateMetadata: '{}',
    });
    const state = stateFor(view as never, {
      src_region: 'us-east-1',
      src_bucket: 'src-bucket',
      dst_bucket: ' dst ',
      result_channel: 'C0RESULT1',
    });
    const { values, blockIds } = readForm({ values: state });
    expect(values).toMatchObject({
      task_type: 'prefix',
      src_cloud: 'AWS',
      src_region: 'us-east-1',
      src_bucket: 'src-bucket',
      dst_region: 'cn-north-4',
      dst_bucket: 'dst',
      result_channel: 'C0RESULT1',
    });
    expect(values).not.toHaveProperty('description');
    expect(blockIds.src_region).toBe('src_region.AWS');
    expect(errorsForBlocks({ src_region: 'x', dst_bucket: 'y' }, blockIds)).toEqual({
      'src_region.AWS': 'x',
      dst_bucket: 'y',
    });
  });

  it('carries only connection, provider, kind, channel and requester in private_metadata', () => {
    const raw = encodeFormMetadata({
      connection: 'hw-prod',
      provider: 'huawei-oms',
      kind: 'task',
      channel: 'C0FAKE001',
      requester: 'U0OPER001',
    });
    expect(JSON.parse(raw)).toEqual({
      c: 'hw-prod',
      p: 'huawei-oms',
      k: 'task',
      ch: 'C0FAKE001',
      r: 'U0OPER001',
    });
    expect(decodeFormMetadata(raw).connection).toBe('hw-prod');
    expect(() => decodeFormMetadata('{"c":"x"}')).toThrow(/older version/);
  });
});

describe('choices and regions', () => {
  const conns = [
    { name: 'hw-prod', provider: 'huawei-oms' },
    { name: 'ncp-kr', provider: 'ncp' },
    { name: 'up-fi', provider: 'upcloud' },
  ] as never[];

  it('narrows by connection, provider and kind words in any order', () => {
    expect(createChoices(conns, []).map((c) => `${c.connection}/${c.target.kind}`)).toEqual([
      'hw-prod/task',
      'hw-prod/task-group',
      'ncp-kr/policy',
      'up-fi/job',
    ]);
    expect(createChoices(conns, ['hw-prod', 'group']).map((c) => c.target.kind)).toEqual(['task-group']);
    expect(createChoices(conns, ['ncp']).map((c) => c.connection)).toEqual(['ncp-kr']);
    expect(() => createChoices(conns, ['gcp'])).toThrow(/"gcp" is not a connection/);
    expect(() => createChoices(conns, ['ncp-kr', 'job'])).toThrow(/Nothing to create matches/);
    expect(() => createChoices([], [])).toThrow(/no connections yet/);
  });

  it('takes a cloud’s regions from its service or from entries tagged with it', () => {
    const regions = regionsOf(
      [
        { service_name: 'AWS', region_list: [{ value: 'us-east-1', description: 'N. Virginia' }] },
        { service_name: 'Other', region_list: [{ value: 'eu-1', cloud_type: 'aws' }] },
      ] as never,
      'AWS',
    );
    expect(regions.map((r) => r.value)).toEqual(['us-east-1', 'eu-1']);
  });
});

function record(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: '0123456789',
    team: 'T0FAKE001',
    requester: 'U0OPER001',
    channel: 'C0FAKE001',
    connection: 'hw-prod',
    provider: 'huawei-oms',
    kind: 'task',
    request: omsRequestFromForm('task', OMS_OK).ok
      ? (omsRequestFromForm('task', OMS_OK) as { request: Record<string, unknown> }).request
      : {},
    status: 'pending',
    createdAt: '2025-01-01T00:00:00.000Z',
    expiresAt: '2025-01-02T00:00:00.000Z',
    ...overrides,
  };
}

describe('renderers stay within Block Kit limits', () => {
  it('every modal', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({
      value: `region-${i}`,
      description: 'd'.repeat(100),
    }));
    const views = [
      renderOmsModal({
        kind: 'task',
        connection: 'hw-prod',
        vendors: ['AWS', 'Aliyun', 'HEC', 'URLSource'],
        sourceRegions: many,
        destinationRegions: many,
        needsChannel: true,
        privateMetadata: '{}',
        initial: { description: 'x'.repeat(255) },
      }),
      renderOmsModal({
        kind: 'task-group',
        connection: 'hw-prod',
        vendors: [],
        sourceRegions: [],
        destinationRegions: [],
        needsChannel: false,
        privateMetadata: '{}',
      }),
      renderNcpModal({ connection: 'ncp-kr', needsChannel: true, privateMetadata: '{}' }),
      renderUpCloudModal({ connection: 'up-fi', needsChannel: false, privateMetadata: '{}' }),
      pickerModal(
        createTargets().map((target) => ({ connection: 'c'.repeat(40), target })),
        '{}',
      ),
    ];
    for (const view of views) expect(viewLimitProblems(view as never)).toEqual([]);
  });

  it('the approval request in every state, and the requester notices', () => {
    const failure = {
      message: 'huawei-oms create task failed (HTTP 400) OMS.0001: bad',
      errorCode: 'OMS.0001',
      httpStatus: 400,
    };
    const states: Partial<ApprovalRecord>[] = [
      {},
      { status: 'approved', decidedBy: 'U0APPR001', decidedAt: '2025-01-01T01:00:00.000Z' },
      {
        status: 'approved',
        decidedBy: 'U0APPR001',
        decidedAt: '2025-01-01T01:00:00.000Z',
        resourceId: '1912',
      },
      { status: 'failed', decidedBy: 'U0APPR001', decidedAt: '2025-01-01T01:00:00.000Z', failure },
      { status: 'failed', failure: { message: 'channel_not_found' } },
      { status: 'rejected', decidedBy: 'U0APPR001', decidedAt: '2025-01-01T01:00:00.000Z' },
      { status: 'expired', decidedAt: '2025-01-02T00:00:00.000Z' },
    ];
    for (const state of states) {
      const message = renderApprovalRequest(record(state));
      expect(blockLimitProblems(message.blocks, 'message')).toEqual([]);
      expect(blockLimitProblems(renderRequesterNotice(record(state), 'C0APPROVE').blocks, 'message')).toEqual(
        [],
      );
      const hasButtons = JSON.stringify(message.blocks).includes('approval.approve');
      expect(hasButtons).toBe(state.status === undefined);
    }
  });

  it('summarizes what will be created, escaping nothing itself (renderers do)', () => {
    const summary = summarizeCreateRequest('huawei-oms', 'task', record().request);
    expect(summary).toMatchObject({
      what: 'OMS migration task',
      name: 'photos to OBS',
      source: 'AWS us-east-1 · src-bucket',
      destination: 'HuaweiCloud cn-north-4 · dst-bucket/from-aws',
      objects: { shown: ['photos/', 'logs/'], more: 0 },
    });
    expect(summary.details).toContainEqual({ label: 'Bandwidth', value: '00:00–06:00 ≤ 200 MiB/s' });
    expect(describeBandwidth([{ start: '22:00', end: '06:00', max_bandwidth: 1.5 * MB }])).toBe(
      '22:00–06:00 (next day) ≤ 1.5 MiB/s',
    );
  });

  it('makes a description like <!channel> inert in the approval message', () => {
    const r = record({ request: { ...record().request, description: '<!channel> *now*' } });
    const text = JSON.stringify(renderApprovalRequest(r).blocks);
    expect(text).not.toContain('<!channel>');
  });
});
