import type { CardSeam } from '../../contract/started.js';
import type { StartedList } from './started-list.js';

type Facts = Readonly<Record<string, unknown>> | undefined;

/** A line drawn, as a list: none when it is absent or empty. */
const one = (line: string | undefined): string[] => (line ? [line] : []);

/**
 * What each capability draws on a card, a row and a thread from its fact there, in the registry's
 * order; a capability that fails to read its facts adds nothing (the card is drawn without it).
 */
export function collectCard(list: StartedList): CardSeam {
  const drawn = (
    facts: Facts,
    draw: (card: NonNullable<ReturnType<typeof cardOf>>, fact: unknown) => string[],
  ) =>
    facts
      ? list
          .each('card')
          .flatMap(({ name, part }) => (facts[name] === undefined ? [] : draw(part, facts[name])))
      : [];
  const cardOf = (name: string) => list.parts(name)?.card;
  return {
    cardLines: (facts, tr, now, resource) =>
      drawn(facts, (c, fact) => c.lines?.(fact, tr, now, resource) ?? []),
    cardNotices: (card, tr) => drawn(card.facts, (c, fact) => one(c.notice?.(fact, tr, card))),
    failureLines: (facts, tr) => drawn(facts, (c, fact) => one(c.failureLine?.(fact, tr))),
    rowLines: (facts, tr, now, resource) =>
      drawn(facts, (c, fact) => one(c.rowLine?.(fact, tr, now, resource))),
    cardButtons: (facts, tr, resource) =>
      list.each('card').flatMap(({ name, part }) => part.buttons?.(facts?.[name], tr, resource) ?? []),
    actedLine: (last, state, tr) => {
      const via = last.via;
      return via ? cardOf(via.capability)?.actedLine?.(via.said, last, state, tr) : undefined;
    },
    actedBy: (via, by, tr) => cardOf(via.capability)?.actedBy?.(via.said, by, tr),
    renderNote: (name, note, tr, now) => cardOf(name)?.note?.(note, tr, now),
    async factsOf(team, resources, now) {
      const byRef = new Map<string, Record<string, unknown>>();
      const read = await Promise.all(
        list.each('card').map(async ({ name, part }) => {
          const facts = await part.factsOf?.(team, resources, now).catch(() => undefined);
          return [name, facts ?? new Map<string, unknown>()] as const;
        }),
      );
      for (const [name, facts] of read) {
        for (const [ref, fact] of facts) {
          if (fact !== undefined) byRef.set(ref, { ...byRef.get(ref), [name]: fact });
        }
      }
      return byRef;
    },
  };
}
