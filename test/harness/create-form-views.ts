import type { ModalView } from '@slack/types';
import type { Connection } from '../../src/connections/connection.js';
import type { FormValues } from '../../src/providers/definition.js';
import type { RegionChoice } from '../../src/providers/huawei-oms/create-form-items.js';
import { createTarget } from '../../src/providers/registry.js';
import { renderCreateForm } from '../../src/slack/blocks/create/render-form.js';

/** The built-in create forms rendered through the generic renderer, as the tests used to build them. */
function connection(name: string, provider: string, endpoint = 'https://example.invalid'): Connection {
  return { name, provider, endpoint, auth: { type: 'bearer', token: 'x' }, storage: {} };
}

export function renderOmsModal(d: {
  kind: 'task' | 'task-group';
  connection: string;
  vendors: readonly string[];
  sourceRegions: readonly RegionChoice[];
  destinationRegions: readonly RegionChoice[];
  defaultDestinationRegion?: string;
  needsChannel: boolean;
  initial?: FormValues;
  privateMetadata: string;
}): ModalView {
  // The regions call's shape: one service per cloud.
  const regions = [
    ...d.vendors.map((v) => ({ service_name: v, region_list: [...d.sourceRegions] })),
    { service_name: 'HuaweiCloud', region_list: [...d.destinationRegions] },
  ];
  const endpoint = d.defaultDestinationRegion
    ? `https://oms.${d.defaultDestinationRegion}.myhuaweicloud.com`
    : 'https://example.invalid';
  return renderCreateForm(createTarget('huawei-oms', d.kind), {
    connection: connection(d.connection, 'huawei-oms', endpoint),
    data: { vendors: d.vendors, regions },
    values: d.initial ?? {},
    needsChannel: d.needsChannel,
    privateMetadata: d.privateMetadata,
  });
}

function simple(provider: string, kind: string) {
  return (d: { connection: string; needsChannel: boolean; initial?: FormValues; privateMetadata: string }) =>
    renderCreateForm(createTarget(provider, kind), {
      connection: connection(d.connection, provider),
      data: undefined,
      values: d.initial ?? {},
      needsChannel: d.needsChannel,
      privateMetadata: d.privateMetadata,
    });
}

export const renderNcpModal = simple('ncp', 'policy');
export const renderUpCloudModal = simple('upcloud', 'job');
