import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { CREATE_TARGETS } from '../../../approvals/create-request.js';
import type { Connection } from '../../../connections/connection.js';
import { asAppError, InvalidInputError, NotFoundError } from '../../../errors.js';
import type { Logger } from '../../../logger.js';
import { HuaweiOmsProvider } from '../../../providers/huawei-oms/index.js';
import type { ShowRegionInfoResp } from '../../../providers/huawei-oms/schemas.js';
import { isProviderId, type ProviderId } from '../../../providers/provider-ids.js';
import {
  type CreateChoice,
  loadFailedModal,
  loadingModal,
  pickerModal,
} from '../../blocks/create/flow-modals.js';
import { type RegionChoice, renderOmsModal } from '../../blocks/create/oms-modal.js';
import { renderNcpModal, renderUpCloudModal } from '../../blocks/create/simple-modals.js';
import type { AppDeps } from '../../context.js';
import { scrubPayload } from '../../context.js';
import { encodeFormMetadata, encodePickerMetadata } from '../../create-forms/metadata.js';
import type { FormValues } from '../../create-forms/view-state.js';

/** Who is creating, and where (no channel from a global shortcut). */
export interface Requester {
  teamId: string;
  userId: string;
  channelId?: string;
}

/** Longest the modal waits for OMS's vendors and regions before saying it could not load. */
const LOAD_TIMEOUT_MS = 10_000;

const PROVIDER_WORDS: Record<string, ProviderId> = {
  oms: 'huawei-oms',
  huawei: 'huawei-oms',
  hw: 'huawei-oms',
  naver: 'ncp',
};
const KIND_WORDS: Record<string, string> = {
  task: 'task',
  tasks: 'task',
  group: 'task-group',
  taskgroup: 'task-group',
  'task-group': 'task-group',
  policy: 'policy',
  job: 'job',
};

/**
 * What the words after `/migrate create` can mean: a connection name, a provider or a kind, in any
 * order. Every connection of the workspace with something creatable is a choice until narrowed.
 */
export function createChoices(connections: readonly Connection[], words: readonly string[]): CreateChoice[] {
  let choices: CreateChoice[] = connections.flatMap((c) =>
    CREATE_TARGETS.filter((t) => t.provider === c.provider).map((target) => ({ connection: c.name, target })),
  );
  if (connections.length === 0) {
    throw new NotFoundError(
      'This workspace has no connections yet, so there is nowhere to create a migration. An admin adds one first (see README).',
    );
  }
  for (const raw of words) {
    const word = raw.toLowerCase();
    const provider = isProviderId(word) ? word : PROVIDER_WORDS[word];
    const kind = KIND_WORDS[word];
    if (connections.some((c) => c.name === word)) choices = choices.filter((c) => c.connection === word);
    else if (provider) choices = choices.filter((c) => c.target.provider === provider);
    else if (kind) choices = choices.filter((c) => c.target.kind === kind);
    else {
      throw new InvalidInputError(
        `"${raw.slice(0, 40)}" is not a connection (${connections.map((c) => c.name).join(', ')}), a provider ` +
          '(huawei-oms, ncp, upcloud) or a kind (task, task-group, policy, job). Try `/migrate create` alone.',
      );
    }
  }
  if (choices.length === 0) {
    throw new InvalidInputError(
      `Nothing to create matches \`${words.join(' ').slice(0, 80)}\`. This workspace can create: ${connections
        .flatMap((c) =>
          CREATE_TARGETS.filter((t) => t.provider === c.provider).map((t) => `${c.name} ${t.kind}`),
        )
        .join(', ')}.`,
    );
  }
  return choices;
}

/**
 * Opens the create flow with `triggerId` (it lives 3 s and works once): the form itself when the
 * words leave one choice, the picker otherwise. OMS forms open as "Loading…" first and are filled
 * by `views.update` once the vendors and regions calls answer. Throws only before the trigger is
 * used, so a caller can still show the problem.
 */
export async function openCreate(
  deps: AppDeps,
  who: Requester,
  triggerId: string,
  words: readonly string[],
  logger: Logger,
): Promise<void> {
  const choices = createChoices(deps.connections.forTeam(who.teamId), words);
  const client = await deps.slackClients.forTeam(who.teamId);
  if (choices.length > 1) {
    const meta = encodePickerMetadata({ channel: who.channelId, requester: who.userId });
    await client.views.open({ trigger_id: triggerId, view: pickerModal(choices, meta) });
    return;
  }
  const choice = choices[0]!;
  const connection = deps.connections.get(who.teamId, choice.connection);
  const simple = simpleForm(connection, choice, who);
  if (simple) {
    await client.views.open({
      trigger_id: triggerId,
      view: scrubPayload(deps.secrets.forTeam(who.teamId), simple),
    });
    return;
  }
  const opened = await client.views.open({
    trigger_id: triggerId,
    view: loadingModal(choice.target.title, `the ${choice.target.label} form`),
  });
  const viewId = opened.view?.id;
  if (!viewId) return;
  await fillOmsForm(deps, client, { viewId, hash: opened.view?.hash }, connection, choice, who, logger);
}

/** The NCP or UpCloud form (no provider call needed), or undefined for OMS. */
export function simpleForm(
  connection: Connection,
  choice: CreateChoice,
  who: Requester,
): ModalView | undefined {
  const privateMetadata = encodeFormMetadata({
    connection: connection.name,
    provider: connection.provider,
    kind: choice.target.kind,
    channel: who.channelId,
    requester: who.userId,
  });
  const data = { connection: connection.name, needsChannel: !who.channelId, privateMetadata };
  if (connection.provider === 'ncp') return renderNcpModal(data);
  if (connection.provider === 'upcloud') return renderUpCloudModal(data);
  return undefined;
}

/** Loads vendors and regions from OMS, then replaces the "Loading…" modal with the form. */
export async function fillOmsForm(
  deps: AppDeps,
  client: WebClient,
  view: { viewId: string; hash?: string },
  connection: Connection,
  choice: CreateChoice,
  who: Requester,
  logger: Logger,
): Promise<void> {
  let next: ModalView;
  try {
    next = await omsForm(deps, connection, choice, who, {});
  } catch (error) {
    logger.warn({ err: error, connection: connection.name }, 'could not load the OMS create form');
    next = loadFailedModal(choice.target.title, connection.name, asAppError(error).message);
  }
  try {
    await client.views.update({
      view_id: view.viewId,
      ...(view.hash ? { hash: view.hash } : {}),
      view: scrubPayload(deps.secrets.forTeam(who.teamId), next),
    });
  } catch (error) {
    // Closed meanwhile, or a newer update won (hash_conflict): nothing to do.
    logger.info({ err: error }, 'create form not updated');
  }
}

/** The OMS form for `cloud` (or the default), with values already typed kept. */
export async function omsForm(
  deps: AppDeps,
  connection: Connection,
  choice: CreateChoice,
  who: Requester,
  keep: { cloud?: string; initial?: FormValues },
): Promise<ModalView> {
  const provider = deps.connections.provider(connection);
  if (!(provider instanceof HuaweiOmsProvider)) {
    throw new InvalidInputError(`${connection.name} is not a Huawei OMS connection.`);
  }
  const [vendors, regions] = await withTimeout(
    Promise.all([provider.listCloudVendors('src'), provider.listRegions()]),
    LOAD_TIMEOUT_MS,
    'OMS did not answer in time',
  );
  const cloud = keep.cloud ?? keep.initial?.src_cloud ?? (vendors.includes('AWS') ? 'AWS' : vendors[0]);
  const destinationRegions = regionsOf(regions, 'HuaweiCloud');
  const endpointRegion = /\boms\.([a-z0-9-]+)\./.exec(connection.endpoint)?.[1];
  return renderOmsModal({
    kind: choice.target.kind === 'task-group' ? 'task-group' : 'task',
    connection: connection.name,
    vendors,
    sourceCloud: cloud,
    sourceRegions: cloud ? regionsOf(regions, cloud) : [],
    destinationRegions,
    defaultDestinationRegion:
      destinationRegions.find((r) => r.value === endpointRegion)?.value ?? destinationRegions[0]?.value,
    needsChannel: !who.channelId,
    initial: keep.initial,
    privateMetadata: encodeFormMetadata({
      connection: connection.name,
      provider: connection.provider,
      kind: choice.target.kind,
      channel: who.channelId,
      requester: who.userId,
    }),
  });
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

export async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
