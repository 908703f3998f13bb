import type { CapabilityCore } from '../../contract/capability.js';

/** What the cut-over keeps per bot: the core it was started with (its store is `core.state`). */
export interface CutoverState {
  core: CapabilityCore;
  /** The card fact this replica last wrote per schedule (JSON): written again only when it changed. */
  written: Map<string, string>;
}
