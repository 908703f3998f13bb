import type { Capability, CapabilityCore } from '../../contract/capability.js';
import type { StartedCapabilities } from '../../contract/started.js';
import { joinWords } from '../../i18n/joined-words.js';
import { collectCard } from './card.js';
import { collectCommands } from './commands.js';
import { collectCreateForm } from './create-form.js';
import { fileKeys, prepareFile } from './file.js';
import { collectGate, lateApprovals } from './gate.js';
import { collectHttp } from './http.js';
import { collectLife } from './life.js';
import { collectPosts } from './posts.js';
import { StartedList } from './started-list.js';
import { hookWatcher } from './watch.js';

/** The bot's capabilities as the core asks them, with what only `bot.ts` does: start them once. */
export interface CollectedCapabilities extends StartedCapabilities {
  /** The connections file's keys they read: known before they start. */
  fileKeys(): string[];
  /** Starts each (once, in the registry's order) and applies its section of the connections file. */
  start(core: CapabilityCore): this;
}

/**
 * The registry's list (plus any a test adds), answered seam by seam; before `start` only the static
 * parts (names, words, file keys) are there.
 */
export function collectCapabilities(capabilities: readonly Capability[]): CollectedCapabilities {
  const list = new StartedList(ordered(capabilities));
  // The bot's translators say their words too, for keys stored before they moved into them.
  joinWords(capabilities.flatMap((c) => (c.words ? [c.words] : [])));
  const gate = collectGate(list);
  const collected: CollectedCapabilities = {
    ...collectCommands(list),
    ...collectCard(list),
    ...collectPosts(list),
    ...gate,
    ...collectCreateForm(list),
    ...collectHttp(list),
    ...collectLife(list),
    prepareFile: (file) => prepareFile(list, file),
    fileKeys: () => fileKeys(list),
    start(given) {
      // A capability starting a migration by itself asks every capability, as the approvals do; it
      // reaches the approvals through the capability that offers them, whichever starts first.
      const core = { ...given, gate: given.gate ?? gate, approvals: given.approvals ?? lateApprovals(gate) };
      const fresh = list.list
        .filter((c) => !list.parts(c.name))
        .map((c) => ({ capability: c, parts: c.start(core) }));
      list.started.push(...fresh);
      hookWatcher(fresh, core.watcher);
      // A malformed section stops the start-up, with its line and reason.
      prepareFile(list, core.connectionsFile)();
      return collected;
    },
  };
  return collected;
}

/** The list with no name twice, and each capability after those it `needs`. */
function ordered(capabilities: readonly Capability[]): readonly Capability[] {
  const names = new Set<string>();
  for (const c of capabilities) {
    if (names.has(c.name)) throw new Error(`capability ${c.name} listed twice`);
    for (const need of c.needs ?? [])
      if (!names.has(need)) throw new Error(`capability ${c.name} needs ${need}, listed before it`);
    names.add(c.name);
  }
  return capabilities;
}
