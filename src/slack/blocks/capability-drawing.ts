import type { CapabilityButton, CardResource } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import type { ActedVia, LastAction } from '../../resources/last-actions.js';
import { failureFacts } from '../../watcher/outbox/capability-facts.js';
import type { CardFacts } from '../../watcher/outbox/notification.js';

type Facts = Readonly<Record<string, unknown>> | undefined;

/**
 * What the capabilities draw on the core's resource surfaces from their facts: lines on the card,
 * buttons among its actions and a failure post's, and the line under a failure (who is on it).
 * `StartedCapabilities` is one; the renderers stay pure and name none.
 */
export interface CardDrawing {
  cardLines(facts: Facts, tr: Translator, now: number, resource: CardResource): string[];
  cardButtons(facts: Facts, tr: Translator, resource: CardResource): CapabilityButton[];
  failureLines(facts: Facts, tr: Translator): string[];
  /** Their sentences in the card's notice (above its title). */
  cardNotices(card: CardFacts, tr: Translator): string[];
  /** The who-acted line, and an event's attribution, of an action a capability's timed work took. */
  actedLine?(last: LastAction, state: CardResource['state'], tr: Translator): string | undefined;
  actedBy?(via: ActedVia, by: string, tr: Translator): string | undefined;
}

/** Nothing drawn by any capability (a renderer called without them). */
export const NO_DRAWING: CardDrawing = {
  cardLines: () => [],
  cardButtons: () => [],
  failureLines: () => [],
  cardNotices: () => [],
};

/** The card's parts the capabilities draw from `facts` (`CardOptions`), for the resource as shown. */
export function drawnOnCard(
  drawing: Partial<CardDrawing>,
  facts: Facts,
  tr: Translator,
  resource: CardResource,
): { capabilityButtons: CapabilityButton[]; failureLines: string[] } {
  return {
    capabilityButtons: drawing.cardButtons?.(facts, tr, resource) ?? [],
    failureLines: drawing.failureLines?.(failureFacts(facts, resource), tr) ?? [],
  };
}
