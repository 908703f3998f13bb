import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { Capability } from '../../contract/capability.js';
import {
  type ChainNote,
  DELTA_RUNS,
  RERUN_ACTION,
  RERUN_VIEW,
  renderChainLine,
  rerunButton,
} from './rerun-blocks.js';
import { rerunButton as rerunButtonHandler, rerunSubmission } from './rerun-button.js';
import { DELTA_RUN_WORDS } from './words.js';

/**
 * Delta runs: "Run changes since" (or again, or restart, as the provider declares) under the
 * verification post of a run that succeeded, its confirmation modal, and the request through the
 * two-person approval, numbered in the run's chain and told in the run's thread (a note it says
 * and draws, `renderNote`). A capability of its own beside verification: it only needs which
 * verification a button names, and a provider without a delta run has none of it.
 */
export const deltaRuns: Capability = {
  name: DELTA_RUNS,
  words: DELTA_RUN_WORDS,
  wordPrefixes: ['rerun.'],
  start: () => ({
    listeners: (routes, deps) => {
      // The action and callback ids posted buttons and open modals carry: unchanged.
      routes.action<BlockAction<ButtonAction>>(RERUN_ACTION, rerunButtonHandler(deps));
      routes.view<ViewSubmitAction>(RERUN_VIEW, rerunSubmission(deps));
    },
    posts: { verificationButtons: rerunButton },
    // The chain's line in the run's thread, from the note it said there.
    card: { note: (note, tr) => renderChainLine(note as ChainNote, tr) },
  }),
};
