import type { Button, KnownBlock } from '@slack/types';
import type { Translator } from '../../i18n/translator.js';
import { slackDate } from '../../slack/blocks/format.js';
import { parseJsonOrUndefined } from '../../store/open-atomic-kv.js';
import type { Claim } from './claims.js';
import { ON_CALL_WORDS } from './words.js';

/** The action id of "I'm on it" / "Hand back" on a failure post and a failed card. */
export const CLAIM_ACTION = 'failure.claim';
/** "Take over" beside a claimed failure's "Hand back": anyone who may operate, behind a confirm naming the owner. */
export const TAKE_OVER_ACTION = 'failure.takeover';
/** "Release" (admins) in the answer to someone pressing another person's "Hand back". */
export const RELEASE_ACTION = 'failure.release';
const CLAIM_BLOCK = 'failure-claim';

/** A take-over button's value: the resource (as the claim button carries it) and the owner it replaces. */
export function encodeTakeOver(resourceValue: string, owner: string): string {
  return JSON.stringify({ ...(JSON.parse(resourceValue) as object), o: owner });
}

/** The owner a take-over was confirmed against (the resource itself is read by decodeResourceButton). */
export function takeOverOwner(value: string | undefined): string | undefined {
  const o = (parseJsonOrUndefined(value) as { o?: unknown } | null | undefined)?.o;
  return typeof o === 'string' && /^[UW][A-Z0-9]{2,}$/.test(o) ? o : undefined;
}

/** "Take over" for a claimed failure: the confirm names who has it, so nobody is replaced unknowingly. */
export function takeOverButton(resourceValue: string, claim: Claim, tr: Translator): Button {
  const owner = `<@${claim.by}>`;
  return {
    type: 'button',
    action_id: TAKE_OVER_ACTION,
    text: { type: 'plain_text', text: tr.with(ON_CALL_WORDS).t('claim.takeOver') },
    value: encodeTakeOver(resourceValue, claim.by),
    confirm: {
      title: { type: 'plain_text', text: tr.with(ON_CALL_WORDS).t('claim.takeOver.title') },
      text: {
        type: 'mrkdwn',
        text: tr
          .with(ON_CALL_WORDS)
          .t('claim.takeOver.confirm', { user: owner, ago: slackDate(new Date(claim.at), '{ago}') }),
      },
      confirm: { type: 'plain_text', text: tr.with(ON_CALL_WORDS).t('claim.takeOver') },
      deny: { type: 'plain_text', text: tr.t('modal.cancel') },
    },
  };
}

/** "Release" for an admin: frees the failure whoever holds it. */
export function releaseButton(resourceValue: string, claim: Claim, tr: Translator): Button {
  return {
    type: 'button',
    action_id: RELEASE_ACTION,
    text: { type: 'plain_text', text: tr.with(ON_CALL_WORDS).t('claim.release') },
    value: resourceValue,
    style: 'danger',
    confirm: {
      title: { type: 'plain_text', text: tr.with(ON_CALL_WORDS).t('claim.release.title') },
      text: {
        type: 'mrkdwn',
        text: tr.with(ON_CALL_WORDS).t('claim.release.confirm', { user: `<@${claim.by}>` }),
      },
      confirm: { type: 'plain_text', text: tr.with(ON_CALL_WORDS).t('claim.release') },
      deny: { type: 'plain_text', text: tr.t('modal.cancel') },
    },
  };
}

/** "I'm on it" while nobody has it; "Hand back" once someone does (only they may press it). */
export function claimButton(value: string, claim: Claim | undefined, tr: Translator): Button {
  return claimIntentButton(value, claim ? 'hand-back' : 'take', tr);
}

/** The claim button for one intent, wherever it is drawn: failure posts, cards, escalation posts. */
export function claimIntentButton(
  value: string,
  intent: 'take' | 'hand-back',
  tr: Translator,
  style?: 'primary',
): Button {
  return {
    type: 'button',
    action_id: CLAIM_ACTION,
    text: {
      type: 'plain_text',
      text: tr.with(ON_CALL_WORDS).t(intent === 'hand-back' ? 'claim.handBack' : 'claim.take'),
    },
    // What the press is for, so a double click or a release meanwhile never turns it around.
    value: withIntent(value, intent),
    ...(style ? { style } : {}),
  };
}

/** The resource's button value with the press's intent (`i`); decodeResourceButton ignores it. */
function withIntent(value: string, intent: 'take' | 'hand-back'): string {
  const parsed = parseJsonOrUndefined(value);
  // Not JSON, or `null` (nothing to take the resource from): the value as it was.
  if (parsed === undefined || parsed === null) return value;
  const { i: _was, ...resource } = parsed as Record<string, unknown>;
  return JSON.stringify({ ...resource, i: intent === 'take' ? 't' : 'b' });
}

/** The intent a claim button was drawn with; undefined for buttons drawn before it was carried. */
export function claimIntent(value: string | undefined): 'take' | 'hand-back' | undefined {
  const i = (parseJsonOrUndefined(value) as { i?: unknown } | null | undefined)?.i;
  return i === 't' ? 'take' : i === 'b' ? 'hand-back' : undefined;
}

/** "<@U> is on it · 3 min ago" (Slack keeps the time relative as it ages); "took over from" when so. */
export function claimLine(claim: Claim, tr: Translator): string {
  const values = { user: `<@${claim.by}>`, ago: slackDate(new Date(claim.at), '{ago}') };
  return claim.from
    ? tr.with(ON_CALL_WORDS).t('claim.onItFrom', { ...values, from: `<@${claim.from}>` })
    : tr.with(ON_CALL_WORDS).t('claim.onIt', values);
}

export function claimBlock(claim: Claim, tr: Translator): KnownBlock {
  return {
    type: 'context',
    block_id: CLAIM_BLOCK,
    elements: [{ type: 'mrkdwn', text: claimLine(claim, tr) }],
  };
}
