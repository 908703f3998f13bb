import type { Locator } from 'playwright-core';
import { expect } from 'vitest';
import { GiB, type SimTask } from '../../../../dev/simulators/huawei-oms/index.js';
import type { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';

type Screens = ReturnType<typeof usePlaygroundScreens>;

/** How often `what` stands in `text`. */
export function timesIn(text: string, what: string | RegExp): number {
  return typeof what === 'string'
    ? text.split(what).length - 1
    : [...text.matchAll(new RegExp(what, 'g'))].length;
}

/**
 * `/migrate plan new <name>` typed, its answer naming the new plan's id; and that plan's card in
 * the channel (the post naming its id, with buttons), with `shows`: the watcher's cycles come at
 * once (a gate's pass, a held edit's next window) until the card says `what` `n` times or more.
 */
export async function newPlan(screen: Screens, name: string) {
  await screen.type(`/migrate plan new ${name}`);
  const created = await screen.message(`plan new ${name}`);
  const id = /\b(p[0-9a-f]{6})\b/.exec(await created.innerText())?.[1];
  expect(id).toBeDefined();
  const card: Locator = screen.page
    .locator('#messages .message')
    .filter({ hasText: id! })
    .filter({ has: screen.page.locator('.bk-button') })
    .last();
  const cardText = () => card.innerText({ timeout: 500 }).catch(() => '');
  const shows = (what: string | RegExp, n = 1) =>
    screen.cyclesUntil(`the plan card showing ${what}`, async () => timesIn(await cardText(), what) >= n);
  return { id: id!, created, card, cardText, shows };
}

/** name, OMS status (2 running, 3 paused), progress, GiB, objects. */
type StillTask = readonly [string, 2 | 3, number, number, number];

/** OMS tasks, one a row, moving at 1 KiB/s: as they are until a test changes them. */
export function stillTasks<const T extends readonly StillTask[]>(
  screen: Screens,
  ...rows: T
): { [K in keyof T]: SimTask } {
  const oms = screen.playground.simulators.get('huawei-oms');
  return rows.map(([name, status, progress, gib, totalNum]) =>
    oms.addTask({ name, status, progress, totalSize: gib * GiB, totalNum, speed: 1024 }),
  ) as { [K in keyof T]: SimTask };
}
