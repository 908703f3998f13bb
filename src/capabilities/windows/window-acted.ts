import type { ActedVia, LastAction } from '../../resources/last-actions.js';
import { WINDOWS } from './window-state.js';

/**
 * A window's own action, as cards and the thread tell it: which window, until when it holds (in
 * its zone), and when it was due if that was while the bot was away (it was applied late, once).
 */
export interface WindowActed {
  id: string;
  name: string;
  zone: string;
  /** When the state it set changes again (the occurrence's end after a pause), watcher clock ms. */
  until?: number;
  /** Set when the edge was due well before it was applied: when it was due. */
  lateFrom?: number;
}

/** What an action a window's edge took says of it (`LastAction.via`): the windows', with the window. */
export const viaWindow = (note: WindowActed): ActedVia => ({ capability: WINDOWS, said: note });

/** The window whose edge took `last`, if one did (a person's own action: undefined). */
export function windowActed(last: Pick<LastAction, 'via'> | undefined): WindowActed | undefined {
  return last?.via?.capability === WINDOWS ? (last.via.said as WindowActed) : undefined;
}
