/**
 * A sliding-window limit shared by replicas: at most `max` takes in any `spanMs`, counted in slots
 * of `slotMs` (one counter per slot, so Redis and the local store keep a handful of small keys).
 * A take is checked against the current slot and every slot that overlaps the last `spanMs`, so a
 * take counts for up to one slot longer than the span, never shorter: the limit holds for any
 * interval of `spanMs`, however it falls across slots. A refused take counts nothing.
 */
export interface SlidingWindow {
  spanMs: number;
  slotMs: number;
}

/** The slots a take at `now` is checked against, oldest first; the last is the one it counts in. */
export function windowSlots(window: SlidingWindow, now: number): number[] {
  const current = Math.floor(now / window.slotMs);
  const span = Math.ceil(window.spanMs / window.slotMs);
  return Array.from({ length: span + 1 }, (_, i) => current - span + i);
}

/**
 * Milliseconds until a take under `max` would succeed, given each slot's count (oldest first, as
 * `windowSlots` lists them): 0 when one fits now. Slots leave the window oldest first.
 */
export function waitForSlot(
  counts: readonly number[],
  max: number,
  window: SlidingWindow,
  now: number,
): number {
  let excess = counts.reduce((sum, n) => sum + n, 0) - max + 1;
  if (excess <= 0) return 0;
  const current = Math.floor(now / window.slotMs);
  // The i-th oldest slot leaves once slot `current + i + 1` begins.
  for (let i = 0; i < counts.length; i++) {
    excess -= counts[i]!;
    if (excess <= 0) return (current + i + 1) * window.slotMs - now;
  }
  return (current + counts.length) * window.slotMs - now;
}

/** How long a slot's counter must be kept: as long as a later take can still look at it. */
export function slotTtlMs(window: SlidingWindow): number {
  return window.spanMs + 2 * window.slotMs;
}
