import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { defineCapability } from '../capability.js';
import { SIGNOFF_VIEW, signOffButton, signOffSubmission } from './signoff-button.js';
import { SIGNOFF_ACTION } from './verification-post.js';

/**
 * Verification and sign-off: the report of a run that ended (its counts reconciled), its post and
 * CSV in the card's thread, the card's line, `/migrate list unverified`, and the sign-off by
 * someone other than who asked for it (two-person rule). The verification is decided in the
 * cycle's compare-and-set that records the ending, so it is still the core record's
 * `verification`, read by the watcher's editor to draw and edit its post.
 */
export const verification = defineCapability<undefined>({
  name: 'verification',
  start: () => undefined,
  listeners: (routes, deps) => {
    // The action and callback ids posted buttons and open modals carry: unchanged.
    routes.action<BlockAction<ButtonAction>>(SIGNOFF_ACTION, signOffButton(deps));
    routes.view<ViewSubmitAction>(SIGNOFF_VIEW, signOffSubmission(deps));
  },
});
