import { describe, expect, it } from 'vitest';
import { APPROVAL_WORDS } from '../../../src/capabilities/approvals/words.js';
import { CONNECTION_WORDS } from '../../../src/capabilities/connections/words.js';
import { EXPLAIN_WORDS } from '../../../src/capabilities/explain/words.js';
import { SUBSCRIPTIONS_WORDS } from '../../../src/capabilities/subscriptions/words.js';
import {
  asAppError,
  ErrorCode,
  ForbiddenError,
  InvalidInputError,
  KindNotOfferedError,
  NotFoundError,
  ProviderError,
} from '../../../src/errors.js';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { AmbiguousRefError } from '../../../src/resources/resolve-resource.js';
import { renderAmbiguous, renderError } from '../../../src/slack/blocks/error-message.js';
import { LONG, NAME40, problems } from './fixtures.js';

// Error replies in every language: refusals, provider failures and command errors with the
// longest inputs, the typed words kept as typed.
describe.each(LOCALES)('error replies in %s keep within Slack limits', (locale) => {
  const tr = translatorFor(locale);
  const other = locale !== 'en';

  it('error replies: refusals, provider failures with catalogue codes, internal errors', () => {
    const errors = [
      ForbiddenError.of('error.forbidden', {
        needed: 'admin',
        what: LONG,
        role: 'viewer',
        where: 'channel',
        channel: '<#C0FAKE001>',
      }),
      new ProviderError(ErrorCode.ProviderRequest, {
        provider: 'huawei-oms',
        operation: 'StartTask',
        httpStatus: 403,
        errorCode: 'OMS.0095',
        errorMessage: 'w'.repeat(2000),
        requestId: LONG,
      }),
      new ProviderError(ErrorCode.ProviderUnavailable, {
        provider: 'ncp',
        operation: 'ListPolicies',
      }),
      new ProviderError(ErrorCode.ProviderAuth, {
        provider: 'upcloud',
        operation: 'ListJobs',
        httpStatus: 401,
      }),
      asAppError(new Error('boom')),
    ];
    for (const error of errors) {
      const { blocks } = renderError(error, 'op12345', tr);
      expect(problems(blocks), `${locale} ${String(error)}`).toEqual([]);
    }
  });

  it('command errors with the longest inputs: the typed words and names as typed, within limits', () => {
    const names = Array.from({ length: 60 }, (_, i) => `${NAME40.slice(0, 37)}${i}`).join(', ');
    const typed = 't'.repeat(60);
    const errors = [
      NotFoundError.of('error.noConnection', { name: typed, names }),
      NotFoundError.of('error.noConnectionYet', { name: typed }),
      NotFoundError.of('error.noResourceIn', { id: typed, connection: NAME40 }),
      NotFoundError.of('error.noResourceInAny', { id: typed, n: 12 }),
      InvalidInputError.of('error.idTooShort', { id: 'ab', min: 4 }),
      InvalidInputError.of('error.ref.bad', { typed }),
      InvalidInputError.of('list.error.word', {
        name: 'list',
        typed,
        states: LONG,
        kinds: LONG,
      }),
      InvalidInputError.in(SUBSCRIPTIONS_WORDS, 'subscriptions.subscribe.error.targetExtra', {
        usage: LONG,
        words: LONG,
      }),
      InvalidInputError.of('unwatch.error.many', {
        id: typed,
        n: 9,
        channel: '<#C0FAKE001>',
        watches: LONG,
      }),
      InvalidInputError.of('action.error.stateInstead', {
        name: LONG,
        state: 'paused',
        action: 'pause',
        actions: 'resume, delete',
      }),
      InvalidInputError.of('action.error.notOffered', {
        provider: 'ncp',
        kind: 'policy',
        action: 'retry',
      }),
      InvalidInputError.in(CONNECTION_WORDS, 'connect.error.provider', { typed, providers: LONG }),
      InvalidInputError.in(SUBSCRIPTIONS_WORDS, 'subscriptions.unsubscribe.error.none', {
        channel: '<#C0FAKE001>',
        target: LONG,
      }),
      InvalidInputError.in(EXPLAIN_WORDS, 'explain.error.notCode', { typed, examples: LONG }),
      InvalidInputError.of('mention.error.channel', { typed }),
      new KindNotOfferedError(NAME40, 'sync-task'),
      InvalidInputError.of('connect.store.taken', { name: NAME40 }),
      InvalidInputError.in(APPROVAL_WORDS, 'approval.error.gone', { id: 'a084149f0b' }),
      ForbiddenError.in(APPROVAL_WORDS, 'approval.error.self'),
      ForbiddenError.of('error.forbidden', {
        needed: 'approver',
        what: 'approve migration requests',
        role: 'operator',
        where: 'workspace',
        channel: '',
      }),
      ForbiddenError.of('error.forbidden', {
        needed: 'admin',
        what: 'remove connections',
        role: 'viewer',
        where: 'channel',
        channel: '<#C0FAKE001>',
      }),
    ];
    for (const error of errors) {
      const { text, blocks } = renderError(error, 'op12345', tr);
      expect(problems(blocks), `${locale} ${error.localized?.key}`).toEqual([]);
      if (error.localized?.values?.name === typed || error.localized?.values?.typed === typed)
        expect(text).toContain(typed);
      if (other)
        expect(text, error.localized?.key).not.toMatch(
          /No connection|No resource|is not an id|does not understand|Name one|matches \d|You need|cannot be|You can|Unknown provider|is not subscribed|is not an error code|paused|resume|remove connections|You asked|is not a channel|no longer exists|approve migration|does not offer|sync-task|already has/,
        );
    }
    const candidates = Array.from({ length: 10 }, (_, i) => ({
      connection: NAME40,
      kind: 'task' as const,
      id: `19129740783087${i}`,
      name: LONG,
      state: 'paused' as const,
    }));
    const ambiguous = new AmbiguousRefError('1912', candidates);
    ambiguous.action = 'pause';
    const rendered = renderAmbiguous(ambiguous, tr);
    expect(problems(rendered.blocks)).toEqual([]);
    if (other) expect(JSON.stringify(rendered)).not.toMatch(/matches 10 resources|Pause|Paused/);
  });
});
