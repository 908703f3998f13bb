import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { startSingle } from '../../test/harness/redis-topology.js';
import { FORM, newActionTs, newTriggerId, slackSignature } from '../../test/harness/slack-requests.js';
import { SIGNING_SECRET } from '../../test/harness/test-bot.js';
import { productionEnv, productionNodeFlags } from '../poll/poll-scale.js';
import { untilIdle } from '../process-idle.js';
import { type RpcChild, startRpc } from '../rpc.js';
import { summarize } from '../stats.js';
import { CLICK_TASK_ID } from './click-constants.js';
import type { ClickScaleResult, ClickSide } from './click-targets.js';

/**
 * Issue #47's row: a card click's ack and answer on a store of 100 watches and on one of 50,000,
 * same run. Each store is a Redis of its own (Debian's `redis-server` on a free port, no
 * persistence), filled, then a real bot process started on it (`click-bot.ts`) with the failed
 * task watched in one channel; one world process (`click-world.ts`: fake Slack, OMS simulator)
 * serves both. Each click is "I'm on it" (then "Hand back") pressed on the card as Slack sends it:
 * signed, with the message it is on. Ack: from sending to the HTTP answer. Answer: from sending to
 * the edit of that card (`chat.update`), as the fake Slack receives it, or the words the presser
 * gets on the response_url if the bot answers so. The bots take turns, one click at a time, the
 * first of each round alternating, each click once both bots and the world are idle again.
 */
export interface ClickScaleOptions {
  smoke: boolean;
  log: (line: string) => void;
}

const FULL = { sizes: [100, 50_000] as const, warmUp: 10, rounds: 40 };
/** The same stores (filling 50,000 takes seconds), fewer clicks: well under a minute, for CI. */
const SMOKE = { sizes: [100, 50_000] as const, warmUp: 3, rounds: 15 };
/** The time a click's answer may take before the run stops: far past Slack's patience. */
const ANSWER_WAIT_MS = 30_000;

interface Side {
  watches: number;
  channel: string;
  bot: RpcChild;
  pool: Pool;
  eventsPath: string;
  cardTs: string;
  fillMs: number;
  acks: number[];
  answers: number[];
  edits: number;
  words: number;
  first?: ClickSide['first'];
}

export async function runClickScale(options: ClickScaleOptions): Promise<ClickScaleResult> {
  const form = options.smoke ? SMOKE : FULL;
  const { log } = options;
  const redis = await Promise.all(form.sizes.map(() => startSingle()));
  const world = await startRpc('click/click-world.js');
  const sides: Side[] = [];
  try {
    const info = await world.call<{ fakeSlackUrl: string; omsUrl: string; taskId: string }>('start');
    for (const [i, watches] of form.sizes.entries()) {
      const bot = await startRpc('click/click-bot.js', {
        execArgv: productionNodeFlags(),
        env: productionEnv(),
      });
      const storeUrl = redis[i]!.url;
      const channel = `C0CLICK${String(i).padStart(2, '0')}`;
      const { ms: fillMs } = await bot.call<{ ms: number }>(
        'fill',
        { storeUrl, fakeSlackUrl: info.fakeSlackUrl, count: watches - 1 },
        1_800_000,
      );
      const started = await bot.call<{ eventsUrl: string; cardTs: string; watches: number }>('start', {
        storeUrl,
        fakeSlackUrl: info.fakeSlackUrl,
        omsUrl: info.omsUrl,
        taskId: info.taskId,
        channel,
      });
      if (started.watches !== watches)
        throw new Error(`the store holds ${started.watches} watches, not ${watches}`);
      log(`  clicks: ${watches} watches on Redis, filled in ${(fillMs / 1000).toFixed(1)} s`);
      const url = new URL(started.eventsUrl);
      sides.push({
        watches,
        channel,
        bot,
        pool: new Pool(url.origin, { connections: 2, pipelining: 1 }),
        eventsPath: url.pathname,
        cardTs: started.cardTs,
        fillMs,
        acks: [],
        answers: [],
        edits: 0,
        words: 0,
      });
    }
    const pids = [world, ...sides.map((s) => s.bot)].map((c) => c.child.pid ?? 0);
    let n = 0;
    const click = async (side: Side, intent: 't' | 'b') => {
      await untilIdle(pids);
      return clickOnce(side, world, info.fakeSlackUrl, intent, `click-${++n}`);
    };
    // The first click of a process in a workspace makes sure the workspace's watches from before
    // the per-resource sets are in them (`ResourceWatches`, once per store): shown, not in the row.
    for (const side of sides) {
      side.first = await click(side, 't');
      await click(side, 'b');
    }
    for (let i = 0; i < form.warmUp; i++)
      for (const side of sides) for (const intent of ['t', 'b'] as const) await click(side, intent);
    for (let round = 0; round < form.rounds; round++)
      for (let turn = 0; turn < sides.length; turn++) {
        const side = sides[(round + turn) % sides.length]!;
        for (const intent of ['t', 'b'] as const) {
          const { ackMs, answerMs, how } = await click(side, intent);
          side.acks.push(ackMs);
          side.answers.push(answerMs);
          if (how === 'edit') side.edits++;
          else side.words++;
        }
      }
    const measured: ClickSide[] = [];
    for (const s of sides)
      measured.push({
        watches: s.watches,
        fillMs: s.fillMs,
        first: s.first!,
        ack: summarize(s.acks),
        answer: summarize(s.answers),
        edits: s.edits,
        words: s.words,
        rssMb: (await s.bot.call<{ rssMb: number }>('memory')).rssMb,
      });
    for (const m of measured)
      log(
        `  clicks at ${m.watches} watches: ack p50 ${m.ack.p50} ms (p95 ${m.ack.p95}), answer p50 ${m.answer.p50} ms (p95 ${m.answer.p95}); ${m.edits} edits, ${m.words} in words; first click ${m.first.ackMs} / ${m.first.answerMs} ms (${m.first.how}${m.first.editMs ? `, the edit at ${m.first.editMs} ms` : ''})`,
      );
    return { smoke: options.smoke, clicks: 2 * form.rounds, sides: measured };
  } finally {
    const t0 = Date.now();
    for (const side of sides) {
      await side.pool.close();
      await side.bot.call('stop', {}, 30_000).catch(() => undefined);
      await side.bot.stop();
    }
    await world.call('stop', {}, 30_000).catch(() => undefined);
    await world.stop();
    await Promise.all(redis.map((r) => r.stop()));
    log(`  clicks: bots, world and Redis servers stopped in ${Date.now() - t0} ms`);
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** One press on the card as Slack sends it; its ack and the time to its answer (and to the edit). */
async function clickOnce(
  side: Side,
  world: RpcChild,
  fakeSlackUrl: string,
  intent: 't' | 'b',
  responseId: string,
): Promise<ClickSide['first']> {
  const value = JSON.stringify({ c: 'hw-prod', k: 'task', id: CLICK_TASK_ID, i: intent });
  const payload = {
    type: 'block_actions',
    team: { id: 'T0FAKE001', domain: 'fake' },
    user: { id: 'U0ALICE01', username: 'alice', team_id: 'T0FAKE001' },
    api_app_id: 'A0MIGRATE',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: side.cardTs, channel_id: side.channel, is_ephemeral: false },
    trigger_id: newTriggerId(),
    channel: { id: side.channel, name: 'migrations' },
    message: { type: 'message', ts: side.cardTs, text: 'bench-failed', blocks: [] },
    response_url: `${fakeSlackUrl}/response/${responseId}`,
    actions: [
      {
        type: 'button',
        action_id: 'failure.claim',
        block_id: 'failure-claim',
        value,
        text: { type: 'plain_text', text: intent === 't' ? "I'm on it" : 'Hand back' },
        action_ts: newActionTs(),
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  await world.call('arm', { channel: side.channel, ts: side.cardTs, responseId });
  const answered = world.call<'edit' | 'words'>('answered', {}, ANSWER_WAIT_MS);
  // Awaited below; a click the bot refuses throws first, and this one must not go unhandled.
  answered.catch(() => undefined);
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  const res = await side.pool.request({
    method: 'POST',
    path: side.eventsPath,
    headers: {
      'content-type': FORM,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
    },
    body,
  });
  await res.body.text();
  const ackMs = performance.now() - started;
  if (res.statusCode !== 200) throw new Error(`click answered HTTP ${res.statusCode}`);
  const how = await answered;
  const answerMs = performance.now() - started;
  // Words first (the bot's "still working" past its first-answer time): when the edit came too.
  if (how === 'words') await world.call('edited', {}, ANSWER_WAIT_MS);
  const editMs = how === 'words' ? round(performance.now() - started) : undefined;
  return { ackMs: round(ackMs), answerMs: round(answerMs), how, ...(editMs ? { editMs } : {}) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runClickScale({ smoke: process.argv.includes('--smoke'), log: (line) => console.log(line) })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
