import type { ModalView } from '@slack/types';
import type { Connection } from '../../../connections/connection.js';
import { asAppError, InvalidInputError, NotFoundError } from '../../../errors.js';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import type { Logger } from '../../../logger.js';
import type { FormValues } from '../../../providers/definition.js';
import { createTargets, isProviderId, providerDefinitions } from '../../../providers/registry.js';
import {
  type CreateChoice,
  loadFailedModal,
  loadingModal,
  pickerModal,
} from '../../blocks/create/flow-modals.js';
import { renderCreateForm } from '../../blocks/create/render-form.js';
import type { AppDeps } from '../../context.js';
import { encodeFormMetadata, encodePickerMetadata } from '../../create-forms/metadata.js';
import type { TeamSender } from '../../sender.js';

/** Who is creating, and where (no channel from a global shortcut). */
export interface Requester {
  teamId: string;
  userId: string;
  channelId?: string;
  /** The requester's language: every view of the flow follows the person who opened it. */
  tr?: Translator;
  /** The workspace's zone, which the form's times are read in: read once when the flow opens. */
  zone?: string;
  /** What the form opens filled with (a capability's field: the plan whose card's button opened it). */
  values?: FormValues;
}

/** The language of a person's modals (their Slack locale), English when it cannot be told. */
export async function viewerTranslator(deps: AppDeps, teamId: string, userId: string): Promise<Translator> {
  return deps.slack.locales.translatorForUser(teamId, userId);
}

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
  const targets = createTargets();
  let choices: CreateChoice[] = connections.flatMap((c) =>
    targets.filter((t) => t.provider === c.provider).map((target) => ({ connection: c.name, target })),
  );
  if (connections.length === 0) {
    throw NotFoundError.of('create.error.noConnections');
  }
  for (const raw of words) {
    const word = raw.toLowerCase();
    const provider = isProviderId(word)
      ? word
      : providerDefinitions().find((d) => d.aliases?.includes(word))?.id;
    const kind = KIND_WORDS[word];
    if (connections.some((c) => c.name === word)) choices = choices.filter((c) => c.connection === word);
    else if (provider) choices = choices.filter((c) => c.target.provider === provider);
    else if (kind) choices = choices.filter((c) => c.target.kind === kind);
    else {
      const values = {
        word: raw.slice(0, 40),
        connections: connections.map((c) => c.name).join(', '),
        providers: providerDefinitions()
          .map((d) => d.id)
          .join(', '),
        kinds: [...new Set(targets.map((t) => t.kind))].join(', '),
      };
      throw InvalidInputError.of('create.error.unknownWord', values);
    }
  }
  if (choices.length === 0) {
    const values = {
      words: words.join(' ').slice(0, 80),
      choices: connections
        .flatMap((c) => targets.filter((t) => t.provider === c.provider).map((t) => `${c.name} ${t.kind}`))
        .join(', '),
    };
    throw InvalidInputError.of('create.error.nothingMatches', values);
  }
  return choices;
}

/**
 * Opens the create flow with `triggerId` (it lives 3 s and works once): the form itself when the
 * words leave one choice, the picker otherwise. A form that needs provider calls (`load`) opens as
 * "Loading…" first and is filled by `views.update` once they answer. Throws only before the
 * trigger is used, so a caller can still show the problem.
 */
export async function openCreate(
  deps: AppDeps,
  asked: Requester,
  triggerId: string,
  words: readonly string[],
  logger: Logger,
): Promise<void> {
  const choices = createChoices(deps.connections.forTeam(asked.teamId), words);
  const slack = deps.slack.sender.to(asked.teamId);
  const who = { ...asked, zone: asked.zone ?? (await deps.settings.zone(asked.teamId)) };
  if (choices.length > 1) {
    const meta = encodePickerMetadata({
      channel: who.channelId,
      requester: who.userId,
      ...(who.values ? { values: who.values as Record<string, string> } : {}),
    });
    await slack.openView(triggerId, pickerModal(choices, meta, who.tr));
    return;
  }
  const choice = choices[0]!;
  const connection = deps.connections.get(who.teamId, choice.connection);
  const immediate = immediateForm(deps, connection, choice, who);
  if (immediate) {
    await slack.openView(triggerId, immediate);
    return;
  }
  const opened = await slack.openView(triggerId, loadingModal(choice.target, who.tr));
  const viewId = opened.id;
  if (!viewId) return;
  await fillLoadedForm(deps, slack, { viewId, hash: opened.hash }, connection, choice, who, logger);
}

/** The form, with its provider `data` (if it loads any), `values` and the capabilities' fields. */
function formView(
  deps: AppDeps,
  connection: Connection,
  choice: CreateChoice,
  who: Requester,
  loaded: { data: unknown; values: FormValues; zone: string },
): ModalView {
  const { data, values, zone } = loaded;
  const tr = who.tr ?? ENGLISH;
  return renderCreateForm(choice.target, {
    connection,
    data,
    values,
    needsChannel: !who.channelId,
    privateMetadata: encodeFormMetadata({
      connection: connection.name,
      provider: connection.provider,
      kind: choice.target.kind,
      channel: who.channelId,
      requester: who.userId,
    }),
    tr: who.tr,
    extraInputs: deps.capabilities.createFields(tr, values, { zone }),
    extraActions: deps.capabilities.createActions(tr),
    submitWords: deps.capabilities.createSubmit(tr, values),
  });
}

/** The form when it needs no provider call, or undefined when it must load first. */
export function immediateForm(
  deps: AppDeps,
  connection: Connection,
  choice: CreateChoice,
  who: Requester,
): ModalView | undefined {
  if (choice.target.load) return undefined;
  return formView(deps, connection, choice, who, {
    data: undefined,
    values: who.values ?? {},
    zone: who.zone ?? 'UTC',
  });
}

/** Makes the form's provider calls, then replaces the "Loading…" modal with the form. */
export async function fillLoadedForm(
  deps: AppDeps,
  slack: TeamSender,
  view: { viewId: string; hash?: string },
  connection: Connection,
  choice: CreateChoice,
  who: Requester,
  logger: Logger,
): Promise<void> {
  let next: ModalView;
  try {
    next = await loadedForm(deps, connection, choice, who, who.values ?? {});
  } catch (error) {
    logger.warn({ err: error, connection: connection.name }, 'could not load the create form');
    next = loadFailedModal(choice.target, connection.name, asAppError(error).message, who.tr);
  }
  try {
    await slack.updateView(view.viewId, next, view.hash);
  } catch (error) {
    // Closed meanwhile, or a newer update won (hash_conflict): nothing to do.
    logger.info({ err: error }, 'create form not updated');
  }
}

/** The form with its provider data loaded, keeping the values already typed. */
export async function loadedForm(
  deps: AppDeps,
  connection: Connection,
  choice: CreateChoice,
  who: Requester,
  values: FormValues,
): Promise<ModalView> {
  if (connection.provider !== choice.target.provider) {
    throw InvalidInputError.of('create.error.wrongProvider', {
      name: connection.name,
      provider: choice.target.provider,
    });
  }
  const provider = deps.connections.provider(connection, 'interactive');
  const data = choice.target.load ? await choice.target.load(provider, connection) : undefined;
  const zone = who.zone ?? (await deps.settings.zone(who.teamId));
  return formView(deps, connection, choice, who, { data, values, zone });
}
