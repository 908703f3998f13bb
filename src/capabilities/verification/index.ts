import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { Capability } from '../../contract/capability.js';
import { SIGNOFF_VIEW, signOffButton, signOffSubmission } from './signoff-button.js';
import { listUnverified } from './unverified-list.js';
import { type VerificationNote, verifyEnding } from './verification.js';
import { verificationCard } from './verification-card.js';
import { verificationFile } from './verification-csv.js';
import { VERIFICATION, type VerificationState } from './verification-fact.js';
import {
  failedRunNext,
  renderVerification,
  SIGNOFF_ACTION,
  verificationCardLine,
  verifiedRun,
} from './verification-post.js';
import { VERIFICATION_WORDS } from './words.js';

/**
 * Verification and sign-off: the report of a run that ended (its counts reconciled), its post and
 * CSV in the card's thread, the card's sentence (its `card.notice`), `/migrate list unverified`, and the sign-off by
 * someone other than who asked for it (two-person rule). Its fact of a watch is the verification
 * (`verification-fact.ts`), decided by its hook in the cycle's compare-and-set that records the
 * ending (its `watch.ending`); its post is its own, drawn here from the view it hands the
 * watcher's one editor (`thread-views.ts`), with the other capabilities' buttons under it.
 */
export const verification: Capability = {
  name: VERIFICATION,
  words: VERIFICATION_WORDS,
  wordPrefixes: ['verify.'],
  start: () => ({
    // The verification is decided where the ending is recorded: said once, whichever replica sees it.
    watch: { ending: verifyEnding },
    posts: {
      render: (view, tr, _now, more) => {
        const note = view as VerificationNote;
        const drawn = renderVerification(note, tr, more.verificationButtons(verifiedRun(note), tr));
        return { ...drawn, file: verificationFile(note, tr) };
      },
    },
    // The card's sentence: who verified its last run, or what to do about a run that failed.
    card: {
      notice: (fact, tr, card) =>
        verificationCardLine(verificationCard(fact as VerificationState), tr, failedRunNext(card, tr)),
    },
    commands: { listFilters: [{ word: 'unverified', run: listUnverified }] },
    listeners: (routes, deps) => {
      // The action and callback ids posted buttons and open modals carry: unchanged.
      routes.action<BlockAction<ButtonAction>>(SIGNOFF_ACTION, signOffButton(deps));
      routes.view<ViewSubmitAction>(SIGNOFF_VIEW, signOffSubmission(deps));
    },
  }),
};
