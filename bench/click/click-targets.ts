import type { LatencySummary } from '../stats.js';

/** Issue #47's row (`click-scale.ts`), judged in `targets.ts` (`CLICK_SCALE_TARGET`). */
export interface ClickSide {
  watches: number;
  /** Writing the store's watches before the bot started (not measured in the row). */
  fillMs: number;
  /** The first click of the bot on this store (it may bring the workspace's older watches into their sets). */
  first: {
    ackMs: number;
    answerMs: number;
    how: 'edit' | 'words';
    /** When the answer was words: the time to the card's edit, which came after. */
    editMs?: number;
  };
  ack: LatencySummary;
  answer: LatencySummary;
  /** Answers that were the card's edit, and answers in words (the response_url). */
  edits: number;
  words: number;
  /** The bot process's RSS after the clicks. */
  rssMb: number;
}

export interface ClickScaleResult {
  smoke: boolean;
  /** Measured clicks per store. */
  clicks: number;
  /** The small store first, then the large one. */
  sides: ClickSide[];
}

const n = (x: number) => x.toLocaleString('en-US');

/** The report's section: both stores side by side. */
export function clickSection(result: ClickScaleResult | undefined): string[] {
  if (!result) return [];
  const ms = (s: LatencySummary) => `${s.p50} / ${s.p95} / ${s.p99} / ${s.max}`;
  return [
    '## A card click against the number of watches',
    '',
    `Issue #47: a click finds the clicked resource's watches by key, so it should cost the same whatever else is watched. Two stores, each a Redis of its own (\`redis-server\` on a free port, no persistence): one holding ${n(result.sides[0]?.watches ?? 0)} watches, one ${n(result.sides[1]?.watches ?? 0)} (half of the others in the clicked workspace, half in nine others, written as \`/migrate watch\` writes them), each with a real bot process started on it (HTTP receiver, watcher without a schedule) that watches one failed OMS task in one channel. The clicks are "I'm on it" then "Hand back" pressed on that card as Slack sends them (signed, with the message they are on), ${result.clicks} measured on each store after warm-up clicks, one at a time: the bots take turns, each click once the bots and the world are idle. **Ack**: from sending to the HTTP answer. **Answer**: from sending to the edit of the card clicked on, as the fake Slack received it (or words on the response_url, had the bot answered so). The edit budget is raised in these bots so that every answer is the edit (its own tests hold the budget). The first click of each bot is shown apart: it may bring the workspace's watches from before the per-resource sets into them (once per store).`,
    '',
    '| watches | store filled in (s) | ack p50 / p95 / p99 / max (ms) | answer p50 / p95 / p99 / max (ms) | answered by the edit / in words | first click: ack / answer (ms) | bot RSS after (MB) |',
    '|---|---|---|---|---|---|---|',
    ...result.sides.map(
      (s) =>
        `| ${n(s.watches)} | ${(s.fillMs / 1000).toFixed(1)} | ${ms(s.ack)} | ${ms(s.answer)} | ${s.edits} / ${s.words} | ${s.first.ackMs} / ${s.first.answerMs} (${s.first.how === 'edit' ? 'the edit' : `words; the edit at ${s.first.editMs ?? '–'}`}) | ${s.rssMb} |`,
    ),
    '',
  ];
}
