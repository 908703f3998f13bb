import { code, truncate } from './mrkdwn.js';

/** What a resource is called: the title that leads, and the provider's own name beside it (if other). */
export interface DisplayName {
  lead: string;
  beside?: string;
}

/**
 * What a resource is called on a card, a list row, a post or a report: the requester's title when
 * the provider generated the name itself (`task_1795650490367_7` for "Q4 photo backfill"), with the
 * provider's name kept beside it; otherwise the provider's name alone. Both raw (escape to show).
 * One function, so every surface calls a resource the same.
 */
export function displayName(name: string, title?: string): DisplayName {
  const typed = title?.trim();
  return typed && typed !== name ? { lead: typed, beside: name } : { lead: name };
}

/** `hw-prod:42`, and the provider's own name beside it where a title leads: `hw-prod:42` `task_…`. */
export function refBeside(ref: string, named: DisplayName): string {
  return named.beside ? `${code(ref)} ${code(truncate(named.beside, 200))}` : code(ref);
}
