import type { KnownBlock } from '@slack/types';
import { classifyCode } from '../../catalogue/code-classes.js';
import { explainForDisplay } from '../../catalogue/explain.js';
import { type AppError, asAppError, ErrorCode, ProviderError } from '../../errors.js';
import { ENGLISH, type MessageValues, type Translator } from '../../i18n/translator.js';
import type { AmbiguousRefError } from '../../resources/resolve-resource.js';
import { encodeResourceButton } from '../resource-button.js';
import { displayName, refBeside } from './display-name.js';
import { code, context, escapeControl, escapeMrkdwn, section, truncate } from './mrkdwn.js';
import { kebab } from './provider-words.js';
import { actionLabel, confirmFor } from './resource-card.js';
import { stateWords } from './state-words.js';

export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

/** What a user sees when something went wrong: what happened, why, and what to do. */
export function renderError(error: AppError, opId: string, tr: Translator = ENGLISH): RenderedMessage {
  if (error instanceof ProviderError) return renderProviderError(error, opId, tr);
  const prefix: Record<string, string> = {
    [ErrorCode.InvalidInput]: ':warning:',
    [ErrorCode.NotFound]: ':mag:',
    [ErrorCode.Forbidden]: ':no_entry:',
    [ErrorCode.Store]: ':construction:',
    [ErrorCode.Config]: ':gear:',
    [ErrorCode.OutcomeUnknown]: ':grey_question:',
    [ErrorCode.NotOffered]: ':information_source:',
  };
  const icon = prefix[error.code];
  const key = error.localized?.key;
  // Values are outside text (what was typed): inert like the English message.
  const values = readerValues(
    Object.fromEntries(
      Object.entries(error.localized?.values ?? {}).map(([k, v]) => [
        k,
        typeof v === 'string' ? escapeControl(v) : v,
      ]),
    ),
    tr,
  );
  const reader = error.localized?.words ? tr.with(error.localized.words) : tr;
  const message = keepIdMentions(
    key && reader.has(key) ? reader.t(key, values) : escapeControl(error.message),
  );
  const text = icon ? `${icon} ${message}` : tr.t('error.internal', { ref: code(opId) });
  return {
    text: truncate(text, 3000),
    blocks: [section(text)],
  };
}

function renderProviderError(error: ProviderError, opId: string, tr: Translator): RenderedMessage {
  const provider = escapeMrkdwn(error.provider);
  const operation = escapeMrkdwn(error.operation);
  // The catalogue's class, not the HTTP status, says what went wrong: OMS answers 401 S3M.0205 to a
  // read-only user (seed 002 §6.2), a permission the keys lack, not keys that were refused.
  const permission =
    error.code === ErrorCode.ProviderRequest && classifyCode(error.errorCode) === 'permissions';
  const headline =
    error.code === ErrorCode.ProviderUnavailable
      ? tr.t('error.providerUnavailable', {
          provider,
          operation,
          http: error.httpStatus ? `, HTTP ${error.httpStatus}` : '',
        })
      : error.code === ErrorCode.ProviderAuth
        ? tr.t('error.providerAuth', { provider, operation, status: String(error.httpStatus) })
        : tr.t(permission ? 'error.providerPermission' : 'error.providerRefused', {
            provider,
            operation,
            status: String(error.httpStatus ?? '—'),
          });
  const lines = [headline];
  if (error.errorCode) {
    const explained = explainForDisplay(error.errorCode, error.httpStatus, tr.locale);
    lines.push(`${code(error.errorCode)} ${escapeMrkdwn(truncate(error.errorMessage ?? '', 500))}`);
    if (explained.known) {
      lines.push(tr.t('failure.meaning', { text: escapeMrkdwn(explained.description ?? explained.title) }));
      if (explained.solution) lines.push(tr.t('failure.fix', { text: escapeMrkdwn(explained.solution) }));
      if (explained.english)
        lines.push(
          tr.t('failure.english', { text: escapeMrkdwn(truncate(explained.english.solution, 300)) }),
        );
    }
  } else if (error.errorMessage && error.code !== ErrorCode.ProviderUnavailable) {
    lines.push(`> ${escapeMrkdwn(truncate(error.errorMessage, 500))}`);
  }
  if (permission) lines.push(tr.t('failure.nextStep', { advice: escapeMrkdwn(tr.t('next.permissions')) }));
  const refs = [`op ${code(opId)}`];
  if (error.requestId) refs.push(tr.t('error.requestId', { id: code(error.requestId) }));
  const text = truncate(lines.join('\n'), 3000);
  return {
    text,
    blocks: [section(text), context(refs.join(' · '))],
  };
}

/**
 * Why a connection (or one kind of it) could not be read, in one mrkdwn sentence naming it, built
 * from the error's typed fields only: never a provider's body, so a proxy's page cannot leak here.
 */
export function describeUnreadable(connection: string, error: unknown, tr: Translator = ENGLISH): string {
  const e = asAppError(error);
  const name = code(connection);
  if (e instanceof ProviderError) {
    const http = e.httpStatus ? `HTTP ${e.httpStatus}` : tr.t('conn.health.noAnswer');
    switch (e.code) {
      case ErrorCode.ProviderUnavailable:
        return tr.t('unreadable.unavailable', { name, http });
      case ErrorCode.ProviderAuth:
        return tr.t('unreadable.auth', { name, http });
      case ErrorCode.ProviderResponse:
        // An answer over the size cap is not unreadable but refused unread: say so, and the cap.
        if (e.localized?.key === 'unreadable.tooLarge')
          return tr.t('unreadable.tooLarge', { name, limit: String(e.localized.values?.limit ?? '') });
        return tr.t('unreadable.response', { name, http });
      default:
        return tr.t('unreadable.refused', {
          name,
          http: `${http}${e.errorCode ? ` ${code(e.errorCode)}` : ''}`,
        });
    }
  }
  if (e.code === ErrorCode.InvalidInput || e.code === ErrorCode.Store || e.code === ErrorCode.NotFound)
    return `${name}: ${e.localized && tr.locale !== 'en' ? escapeMrkdwn(truncate(errorWords(e, tr), 300)) : escapeMrkdwn(truncate(e.message, 300))}`;
  return tr.t('unreadable.internal', { name });
}

/**
 * Several resources match: one line per candidate (name and state, then where it is), each with a
 * short button that does what was asked (Pause… behind the card's own confirmation) or, for a
 * lookup, opens the card. The words sit in the text, which wraps, so a phone never cuts the state
 * off a long button. An action's picker holds only the candidates it can be taken on now; the
 * others are counted by state.
 */
export function renderAmbiguous(
  error: AmbiguousRefError,
  tr: Translator = ENGLISH,
  /** Titles requesters gave some candidates, by `connection:id`: each is called what its card calls it. */
  titles?: ReadonlyMap<string, string>,
): RenderedMessage {
  const key = error.localized?.key;
  const values = Object.fromEntries(
    Object.entries(error.localized?.values ?? {}).map(([k, v]) => [
      k,
      typeof v === 'string' ? escapeControl(v) : v,
    ]),
  );
  const said = key && tr.has(key) ? tr.t(key, values) : escapeControl(error.message);
  const action = error.action;
  const verb = action ? { action, n: error.candidates.length } : undefined;
  const lead = verb
    ? `${said} ${tr.t(error.candidates.length > 0 ? 'picker.canDo' : 'picker.noneCan', verb)}`
    : said;
  const text = `:twisted_rightwards_arrows: ${lead}`;
  const blocks: KnownBlock[] = [section(text)];
  for (const c of error.candidates) {
    const state = c.state ? ` · ${stateWords(c.state, tr)}` : '';
    const label = action ? actionLabel(action, tr, c.state) : tr.t('list.open');
    const named = displayName(c.name, titles?.get(`${c.connection}:${c.id}`));
    const confirm = action ? confirmFor(action, c.kind, named.lead, tr) : undefined;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*${escapeMrkdwn(truncate(named.lead, 150))}*${state}\n${refBeside(`${c.connection}:${c.id}`, named)}`,
          3000,
        ),
      },
      accessory: {
        type: 'button',
        action_id: `resource.${action ?? 'open'}:${c.connection}:${c.id}`.slice(0, 255),
        text: { type: 'plain_text', text: truncate(label, 75) },
        // A screen reader hears which one, as the eye reads it beside the button.
        accessibility_label: truncate(`${label} ${named.lead}`, 75),
        value: encodeResourceButton(c),
        ...(confirm ? { confirm } : {}),
      },
    });
  }
  if (action && error.notPossible.length > 0) {
    const byState = new Map<string, number>();
    for (const m of error.notPossible) {
      const words = m.state ? stateWords(m.state, tr) : tr.t('state.unknown');
      byState.set(words, (byState.get(words) ?? 0) + 1);
    }
    const states = tr.list([...byState].map(([words, n]) => `${tr.count(n)} ${words}`));
    blocks.push(context(tr.t('picker.others', { action, n: error.notPossible.length, states })));
  }
  return { text: truncate(text, 3000), blocks };
}

/** An error's message in the reader's words as plain text (an inline form error): not escaped. */
export function errorWords(error: AppError, tr: Translator = ENGLISH): string {
  const said = error.localized;
  const reader = said?.words ? tr.with(said.words) : tr;
  if (!said || !reader.has(said.key)) return error.message;
  return reader.t(said.key, readerValues({ ...said.values }, tr));
}

/**
 * The bot's own words among an error's values, in the reader's language (English stays as the
 * English message had them): `what` of a refusal ("add connections"), a state, a kind, actions.
 */
function readerValues(values: MessageValues, tr: Translator): MessageValues {
  // A value named `fixKey` is a catalogue key: its words, with the same values, go in as `fix`.
  const fixKey = values.fixKey;
  if (typeof fixKey === 'string' && tr.has(fixKey)) values = { ...values, fix: tr.t(fixKey, values) };
  const word = (prefix: string, english: string) => {
    const key = `${prefix}.${kebab(english)}`;
    return tr.has(key) ? tr.t(key) : english;
  };
  // Actions read as their buttons do ("You can: Resume"), in every language.
  if (typeof values.actions === 'string')
    values = { ...values, actions: tr.list(values.actions.split(', ').map((a) => word('action', a))) };
  if (tr.locale === 'en') return values;
  const out = { ...values };
  if (typeof out.what === 'string') out.what = word('doing', out.what);
  if (typeof out.state === 'string') out.state = word('state', out.state);
  if (typeof out.kind === 'string') out.kind = word('kind', out.kind);
  return out;
}

/**
 * Our messages name channels, people and user groups by id (`<#C…>`, `<@U…>`, `<!subteam^S…>`):
 * those stay live links after the escaping, which still keeps `<!channel>`, links, labelled
 * mentions and anything else a user typed inert. Errors are ephemeral: a group named there is
 * shown, not notified.
 */
function keepIdMentions(escaped: string): string {
  return escaped.replace(/&lt;(#C[A-Z0-9]{2,20}|@[UW][A-Z0-9]{2,20}|!subteam\^S[A-Z0-9]{2,20})&gt;/g, '<$1>');
}
