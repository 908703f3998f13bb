import { pathToFileURL } from 'node:url';
import { FORM, newActionTs, newTriggerId, postSigned } from '../../test/harness/slack-requests.js';
import { SIGNING_SECRET, TestBot } from '../../test/harness/test-bot.js';
import type { Target } from '../targets.js';

/**
 * Issue 58's row: what one click on a watched card asks of the provider. The real app in this
 * process over loopback HTTP (the tests' `TestBot`: fake Slack, OMS simulator, memory store, no
 * watcher schedule), two watched tasks, one migrating and one failed; Pause, Resume, "I'm on it",
 * "Hand back" and Refresh pressed on their cards as Slack sends them (signed, with the message
 * they are on), one at a time; Retry and Delete each round on a new watched failed or paused task. Counted at the simulator's request log, from the click until the
 * click's work and every re-check it started are done. OMS carries out a pause at once here, so
 * the count is the click's own; a pause still under way is asked about again until it settles
 * (its test: test/watcher/cards/calls-per-click.test.ts).
 */
export interface ClickCallsOptions {
  smoke: boolean;
  log: (line: string) => void;
}

export interface ClickCallsRow {
  click: string;
  /** Provider requests per click: fewest, median, most over the rounds. */
  min: number;
  median: number;
  max: number;
  /** What the last click of the row asked (`POST /tasks/{id}/stop`, `GET /tasks/{id}`, …). */
  asked: string[];
}

export interface ClickCallsResult {
  smoke: boolean;
  rounds: number;
  rows: ClickCallsRow[];
}

/** At most the action and one read (issue 58, item 3). */
export const CALLS_PER_CLICK_TARGET = 2;

const CHANNEL = 'C0FAKE001';
const OPERATOR = 'U0ALICE01';

export async function runClickCalls(options: ClickCallsOptions): Promise<ClickCallsResult> {
  const rounds = options.smoke ? 3 : 20;
  const t = new TestBot();
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, watcher: { recheckAfterMs: [50, 100] } });
  try {
    t.oms.timings.pauseDelayMs = 0;
    const moving = t.oms.addTask({ name: 'bench-moving', status: 2, progress: 0.1 });
    const failed = t.oms.addTask({ name: 'bench-failed', status: 4, failCode: 'TRF.0015' });
    const cards = { moving: await watched(t, moving.id), failed: await watched(t, failed.id) };
    // Retry and Delete change their task for good: each round presses them on a new watched card.
    const fresh = {
      retry: { status: 4, failCode: 'TRF.0015' },
      delete: { status: 3 },
    } as const;
    const clicks: [string, keyof typeof cards | keyof typeof fresh, string, string?][] = [
      ['Pause', 'moving', 'resource.pause'],
      ['Resume', 'moving', 'resource.resume'],
      ["I'm on it", 'failed', 'failure.claim', 't'],
      ['Hand back', 'failed', 'failure.claim', 'b'],
      ['Refresh', 'moving', 'resource.refresh'],
      ['Retry', 'retry', 'resource.retry'],
      ['Delete', 'delete', 'resource.delete'],
    ];
    const counts = new Map<string, { n: number[]; asked: string[] }>();
    for (let round = 0; round < rounds; round++)
      for (const [label, card, action, intent] of clicks) {
        let task: string;
        let ts: string;
        if (card === 'moving' || card === 'failed') {
          task = card === 'moving' ? moving.id : failed.id;
          ts = cards[card];
        } else {
          task = t.oms.addTask({ name: `bench-${card}-${round}`, ...fresh[card] }).id;
          ts = await watched(t, task);
          await t.settled();
        }
        const asked = await press(t, ts, action, task, intent);
        const row = counts.get(label) ?? { n: [], asked: [] };
        row.n.push(asked.length);
        row.asked = asked;
        counts.set(label, row);
      }
    const rows = [...counts].map(([click, { n, asked }]) => {
      const sorted = [...n].sort((a, b) => a - b);
      return {
        click,
        min: sorted[0]!,
        median: sorted[Math.floor(sorted.length / 2)]!,
        max: sorted.at(-1)!,
        asked: asked.map((a) => a.replace(/\d{6,}/g, '{id}')),
      };
    });
    for (const r of rows)
      options.log(`  calls per click: ${r.click} ${r.median} (max ${r.max}): ${r.asked.join(', ')}`);
    return { smoke: options.smoke, rounds, rows };
  } finally {
    await t.stop();
  }
}

/** The watch's card `ts`, once Slack took it. */
async function watched(t: TestBot, id: string): Promise<string> {
  await t.ask(`watch ${id}`, { userId: OPERATOR });
  const card = await t.fakeSlack.waitFor(() =>
    t.fakeSlack
      .callsTo('chat.postMessage')
      .find((c) => !c.body.thread_ts && JSON.stringify(c.body.blocks).includes(id) && c.ts),
  );
  return card.ts!;
}

async function press(t: TestBot, ts: string, action: string, id: string, intent?: string): Promise<string[]> {
  const value = JSON.stringify({ c: 'hw-prod', k: 'task', id, ...(intent ? { i: intent } : {}) });
  const from = t.oms.server.requests.length;
  const payload = {
    type: 'block_actions',
    team: { id: 'T0FAKE001', domain: 'fake' },
    user: { id: OPERATOR, username: 'alice', team_id: 'T0FAKE001' },
    api_app_id: 'A0MIGRATE',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
    trigger_id: newTriggerId(),
    channel: { id: CHANNEL, name: 'migrations' },
    message: { type: 'message', ts, text: 'card', blocks: [] },
    response_url: t.fakeSlack.responseUrl(`calls-${from}`),
    actions: [
      { type: 'button', action_id: action, block_id: 'card', value, text: { type: 'plain_text', text: 'x' } },
    ].map((a) => ({ ...a, action_ts: newActionTs() })),
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const http = await postSigned(t.eventsUrl, SIGNING_SECRET, body, FORM);
  if (http.status !== 200) throw new Error(`${action} answered HTTP ${http.status}`);
  await t.settled();
  await t.bot.deps.watcher.rechecksIdle();
  return t.oms.server.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^\/v2\/\w+/, '')}`);
}

/** Judged on the most any click of a kind asked; a smoke run is shown, not judged. */
export function clickCallTargets(result: ClickCallsResult | undefined): Target[] {
  if (!result) return [];
  return result.rows.map((r) => ({
    what: `provider calls per click, ${r.click} on a watched card (most over ${result.rounds} clicks${result.smoke ? '; smoke' : ''})`,
    target: `≤ ${CALLS_PER_CLICK_TARGET}`,
    figure: `${r.max} (${r.asked.join(', ') || 'none'})`,
    met: result.smoke ? null : r.max <= CALLS_PER_CLICK_TARGET,
  }));
}

/** The report's section. */
export function clickCallsSection(result: ClickCallsResult | undefined): string[] {
  if (!result) return [];
  return [
    '## Provider calls per click',
    '',
    `Issue 58: a button on a watched card asks the provider for the action and one read at most; the card's watches take that read instead of listing again, and nothing asks again unless the provider said the change is still under way. The real app over loopback HTTP with the OMS simulator, two watched tasks (one migrating, one failed), each button pressed on its card as Slack sends it, ${result.rounds} times, one at a time (Retry and Delete on a new watched failed or paused task each time; a Delete is decided on the watcher's last read); counted at the simulator from the click until the click and every re-check it started are done (OMS carries out a pause at once here).`,
    '',
    '| click | requests: fewest / median / most | what the last one asked |',
    '|---|---|---|',
    ...result.rows.map(
      (r) => `| ${r.click} | ${r.min} / ${r.median} / ${r.max} | ${r.asked.join(', ') || '–'} |`,
    ),
    '',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runClickCalls({ smoke: process.argv.includes('--smoke'), log: (line) => console.log(line) })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
