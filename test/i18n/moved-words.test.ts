import { describe, expect, it } from 'vitest';
import { GUARDRAIL_WORDS } from '../../src/capabilities/guardrails/words.js';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { OutcomeUnknownError } from '../../src/errors.js';
import { english, type MessageKey } from '../../src/i18n/english.js';
import { LOCALES } from '../../src/i18n/locale.js';
import { MESSAGES, translatorFor } from '../../src/i18n/translator.js';

import { errorText } from '../../src/slack/blocks/create/flow-modals.js';
import { renderError } from '../../src/slack/blocks/error-message.js';
import { startedForReading } from '../harness/started-capabilities.js';

const ENGLISH_TR = translatorFor('en');

/**
 * A key a capability took into its own words (`approval.start.interrupted`, now in
 * `capabilities/approvals/words/`) is still named by what was stored before: an approval's
 * failure, an error's `localized`, read back from JSON without its catalogue. Core code renders
 * those with the bot's translator, which says them once the bot's capabilities are listed
 * (`joined-words.ts`), in every language, and the logs' English says them too.
 */
const KEY = 'approval.start.interrupted';

/** The error as a stored record gives it back: its key and values, not the catalogue it came from. */
function storedError(): OutcomeUnknownError {
  const stored = JSON.parse(JSON.stringify({ localized: { key: KEY } })) as { localized: { key: string } };
  const error = new OutcomeUnknownError('its start was interrupted');
  error.localized = stored.localized;
  return error;
}

describe('a stored key that moved into a capability’s words', () => {
  const approvals = CAPABILITIES.find((c) => c.name === 'approvals')!;
  startedForReading(CAPABILITIES);

  it('left the bot’s catalogues for the capability’s', () => {
    for (const locale of LOCALES) {
      expect(Object.hasOwn(MESSAGES[locale], KEY), locale).toBe(false);
      expect(Object.hasOwn(approvals.words![locale], KEY), locale).toBe(true);
    }
  });

  it.each(LOCALES)('%s: still renders with the bot’s translator, in that language', (locale) => {
    const tr = translatorFor(locale);
    const want = approvals.words![locale][KEY]!;
    expect(tr.has(KEY)).toBe(true);
    expect(tr.t(KEY as MessageKey)).toBe(tr.with(approvals.words!).t(KEY as never));
    expect(errorText(storedError(), tr)).toBe(tr.with(approvals.words!).t(KEY as never));
    expect(renderError(storedError(), 'op-1', tr).text).toContain(want.slice(0, 12));
  });

  it('its English, for logs and the audit, is the capability’s', () => {
    expect(english(KEY as MessageKey)).toBe(approvals.words!.en[KEY]);
  });
});

/**
 * Each move of ADR 0021, by what the bot's catalogues may no longer hold: the prefixes a
 * capability took whole, and (for `policy.`) the one key both the guardrails and the approvals say,
 * which stayed. A moved key put back in a bot catalogue (with or without its twin in the folder,
 * which the catalogue test alone would not see) fails here.
 */
const MOVED: readonly { capability: string; prefix: string; except?: readonly string[]; now?: string }[] = [
  { capability: 'approvals', prefix: 'approval.' },
  { capability: 'plans', prefix: 'plan.' },
  { capability: 'guardrails', prefix: 'guardrail.' },
  { capability: 'guardrails', prefix: 'policy.', except: ['policy.test.header'] },
  { capability: 'events', prefix: 'webhook.' },
  { capability: 'api', prefix: 'token.' },
  // Said only by the approvals, renamed into `approval.` (none is stored: see the ADR).
  { capability: 'approvals', prefix: 'create.start.', now: 'approval.startAt.' },
  { capability: 'approvals', prefix: 'create.policyCheck.', now: 'approval.policyCheck.' },
  { capability: 'approvals', prefix: 'guardrail.request.', now: 'approval.needs.' },
  { capability: 'approvals', prefix: 'guardrail.approvals.', now: 'approval.votes.' },
  // The approvals' part of Home, renamed the same way (`home.waiting` is the Home's own).
  ...['waitingYou', 'waitingMore', 'waitingMine', 'approvalRow', 'startingLater'].map((key) => ({
    capability: 'approvals',
    prefix: `home.${key}`,
    now: `approval.home.${key}`,
  })),
  { capability: 'explain', prefix: 'help.line.explain' },
  // Managing connections; the providers' own `connect.<provider>.` words and the store's refusals
  // (`connect.store.`) are not its own, nor an error's "no HTTP answer" the core says.
  ...['title.', 'error.', 'check.', 'refusal.', 'storage.', 'saved.', 'testing.'].map((part) => ({
    capability: 'connections',
    prefix: `connect.${part}`,
  })),
  { capability: 'connections', prefix: 'connections.' },
  { capability: 'connections', prefix: 'disconnect.' },
  { capability: 'connections', prefix: 'conn.', except: ['conn.health.noAnswer'], now: 'connection.' },
  { capability: 'connections', prefix: 'fixKeys.', now: 'connection.fixKeys.' },
  { capability: 'bandwidth', prefix: 'bandwidth.', except: ['bandwidth.error.notOffered'] },
  { capability: 'bandwidth', prefix: 'help.summary.bandwidth' },
  // Renamed to their subcommand's name (said at once, none is stored).
  { capability: 'sync-events', prefix: 'syncEvent.', now: 'sync-event.' },
  { capability: 'sync-events', prefix: 'help.summary.sync-event' },
  // The last five (issue 58): their keys kept, but a provider's delta-run refusals (`rerun.error.`,
  // said by the providers), and the capability's words of the core's surfaces renamed under its
  // prefix (none is stored).
  { capability: 'on-call', prefix: 'claim.' },
  { capability: 'on-call', prefix: 'escalation.' },
  { capability: 'on-call', prefix: 'settings.escalation', now: 'escalation.settings' },
  { capability: 'on-call', prefix: 'settings.label.escalation', now: 'escalation.settings.label' },
  { capability: 'on-call', prefix: 'settings.error.escalation', now: 'escalation.settings.error' },
  { capability: 'verification', prefix: 'verify.' },
  { capability: 'verification', prefix: 'list.unverified.', now: 'verify.unverified.' },
  ...['verified', 'unverified', 'verifyMismatch', 'failedRun'].map((key) => ({
    capability: 'verification',
    prefix: `card.${key}`,
    now: 'verify.card.',
  })),
  {
    capability: 'delta-runs',
    prefix: 'rerun.',
    except: ['rerun.error.noStart', 'rerun.error.notRepeatable'],
  },
  { capability: 'objects', prefix: 'objects.' },
  { capability: 'objects', prefix: 'help.summary.verify' },
  { capability: 'windows', prefix: 'window.' },
  { capability: 'windows', prefix: 'card.window.', now: 'window.card.' },
  { capability: 'windows', prefix: 'watch.byWindow', now: 'window.watch.' },
  { capability: 'windows', prefix: 'watch.windowRefused', now: 'window.watch.refused' },
  { capability: 'windows', prefix: 'home.windows', now: 'window.home.' },
  { capability: 'windows', prefix: 'home.noWindows', now: 'window.home.none' },
  { capability: 'windows', prefix: 'help.summary.window' },
  ...[
    'approvals',
    'approvers',
    'ttl',
    'notify',
    'label.approvals',
    'label.approvers',
    'label.ttl',
    'label.notify',
  ].map((key) => ({ capability: 'approvals', prefix: `settings.${key}`, now: 'approval.settings.' })),
  ...['ttl', 'approvers', 'notify'].map((key) => ({
    capability: 'approvals',
    prefix: `settings.error.${key}`,
    now: 'approval.settings.error.',
  })),
  ...['connect', 'connections', 'disconnect'].map((name) => ({
    capability: 'connections',
    prefix: `help.summary.${name}`,
  })),
  ...['subscribe', 'unsubscribe', 'subscriptions'].map((name) => ({
    capability: 'subscriptions',
    prefix: `help.summary.${name}`,
  })),
  ...(
    [
      ['plans', 'plan'],
      ['guardrails', 'policy'],
      ['events', 'webhook'],
      ['api', 'token'],
    ] as const
  ).map(([capability, name]) => ({ capability, prefix: `help.summary.${name}` })),
];

describe('the words that moved stay moved', () => {
  it.each(MOVED.map((m) => [m.prefix, m] as const))('%s is in no bot catalogue', (_prefix, m) => {
    const owner = CAPABILITIES.find((c) => c.name === m.capability)!;
    for (const locale of LOCALES) {
      const back = Object.keys(MESSAGES[locale]).filter(
        (key) => key.startsWith(m.prefix) && !m.except?.includes(key),
      );
      expect(back, `${locale}: back in the bot's catalogue`).toEqual([]);
    }
    const now = m.now ?? m.prefix;
    expect(
      Object.keys(owner.words!.en).some((key) => key.startsWith(now)),
      `${now} in ${m.capability}`,
    ).toBe(true);
  });

  it('the one policy key both capabilities say is still the bot’s', () => {
    for (const locale of LOCALES) expect(Object.hasOwn(MESSAGES[locale], 'policy.test.header')).toBe(true);
  });
});

/**
 * A guardrail's refusal is stored by key (an approval's failure, a plan wave's hold) and its
 * verdict too (the approval record's `policy`, its pre-flight line): the keys kept their
 * `guardrail.` names when they moved, so those records still render with the bot's translator,
 * in every language.
 */
describe('a stored guardrail key', () => {
  const refused = {
    key: 'guardrail.refused.freeze',
    values: { rule: 'yearend', from: '2026-12-20', to: '2027-01-05', zone: 'UTC', exception: '#ops' },
  };

  it.each(LOCALES)('%s: a refusal kept as an approval’s failure still says its sentence', (locale) => {
    const tr = translatorFor(locale);
    const stored = JSON.parse(JSON.stringify({ localized: refused })) as { localized: typeof refused };
    const error = new OutcomeUnknownError('refused at its start');
    error.localized = stored.localized;
    const want = tr.with(GUARDRAIL_WORDS).t(refused.key as never, refused.values);
    expect(Object.hasOwn(MESSAGES[locale], refused.key)).toBe(false);
    expect(want).toContain('yearend');
    expect(errorText(error, tr)).toBe(want);
    expect(tr.has('guardrail.preflight.passed')).toBe(true);
  });

  it('its English, for logs and the audit, is the guardrails’', () => {
    expect(english(refused.key as MessageKey, refused.values)).toBe(
      ENGLISH_TR.with(GUARDRAIL_WORDS).t(refused.key as never, refused.values),
    );
  });
});
