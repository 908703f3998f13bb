import { describe, expect, it } from 'vitest';
import { translatorFor } from '../../../src/i18n/translator.js';
import { omsAndUpCloudBot } from '../../harness/bots/upcloud-bot.js';
import { messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { FORMULA_START, parseCsv, textParts } from '../../helpers/csv.js';

// The plan report's CSV: posted once in the plan card's thread when the plan ends, drawn from the
// one view the card and the report are drawn from, so the report's figures, the card's and the
// CSV's are the same; a name someone chose never opens as a formula in a spreadsheet.
const CHANNEL = 'C0PLANCSV';
const SERVICE = '1200ecde-db95-4d1d-9c2c-000000000061';
const UC_TOKEN = 'ucat_01PLANS61TOKEN00000000000000001';
const source = { name: 'csv-src', accessKey: 'PLANSCSVSOURCEKEY01', secretKey: 'plans-csv-secret-1' };
const GiB = 1024 ** 3;
const here = { userId: 'U0ALICE01', channelId: CHANNEL };
const en = translatorFor('en');

const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const { t, upcloud } = omsAndUpCloudBot(
  { service: SERVICE, token: UC_TOKEN, source },
  { clock, watcher: { editBudget: { windowMs: 10_000, max: 1000 } }, freeze: true },
);

async function cycles(n = 2): Promise<void> {
  for (let i = 0; i < n; i++) await t.bot.deps.watcher.runCycle();
}

function succeed(id: string): void {
  const task = t.oms.task(id)!;
  Object.assign(task, { status: 5, completeSize: task.totalSize, successfulNum: task.totalNum });
}

const drawnIn = (planId: string) =>
  [...t.fakeSlack.callsTo('chat.postMessage'), ...t.fakeSlack.callsTo('chat.update')].filter(
    (c) => c.body.channel === CHANNEL && messageText(c.body).includes(planId),
  );

describe('the plan report’s CSV', () => {
  it('carries the report’s and the card’s figures per wave, inert, in the plan’s thread', async () => {
    const answer = messageText(await t.ask('plan new estate-csv', here));
    const id = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    const a = t.oms.addTask({ name: '-rehearsal', status: 3, progress: 0.1, totalSize: 300 * GiB }).id;
    const b = t.oms.addTask({ name: 'weekend-big', status: 3, progress: 0.2, totalSize: 700 * GiB }).id;
    const job = upcloud.addJob({ name: '=HYPERLINK("http://x")', serviceId: SERVICE, status: 'running' });
    await t.ask(`plan add estate-csv ${a}`, here);
    await t.ask(`plan add estate-csv ${b} up-fi:${job.uuid} wave 2`, here);
    await t.ask('plan start estate-csv', here);
    await cycles(2);
    clock.advance(40 * 60_000);
    succeed(a);
    await cycles(3);
    clock.advance(95 * 60_000);
    succeed(b);
    Object.assign(upcloud.job(job.uuid)!, { status: 'completed', progress: 1 });
    await until(
      async () => {
        await cycles(1);
        return t.fakeSlack.files.uploads.some((u) => u.filename.startsWith(`plan-${id}`));
      },
      { what: 'the plan report’s CSV', timeoutMs: 15_000, everyMs: 20 },
    );
    await cycles(2);

    const report = t.fakeSlack
      .callsTo('chat.postMessage')
      .filter((c) => c.body.channel === CHANNEL && messageText(c.body).includes('Report of plan'));
    expect(report).toHaveLength(1);
    const reportText = mrkdwnTexts(report[0]!.body);
    const cardPost = drawnIn(id).find((c) => c.method === 'chat.postMessage')!;
    const cardTs = cardPost.ts;
    expect(cardTs).toBeDefined();
    const cardText = mrkdwnTexts(drawnIn(id).at(-1)!.body);

    // Posted once, into the card's thread.
    const uploads = t.fakeSlack.files.uploads.filter((u) => u.filename.startsWith(`plan-${id}`));
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.channel).toBe(CHANNEL);
    expect(uploads[0]!.threadTs).toBe(cardTs);
    const rows = parseCsv(uploads[0]!.bytes.toString('utf8'));
    const head = rows[0]!;
    const col = (row: string[], name: string) => row[head.indexOf(name)]!;
    const num = (row: string[], name: string) => Number(col(row, name));

    // The totals: the card's, the report's and the CSV's are one figure.
    const total = rows.find((r) => r[0] === 'total')!;
    const moved = `Moved ${en.bytes(num(total, 'bytes_moved'))} (${en.count(num(total, 'objects_moved'))} objects) · left ${en.bytes(num(total, 'bytes_left'))} (${en.count(num(total, 'objects_left'))} objects)`;
    expect(cardText).toContain(moved);
    expect(reportText).toContain(moved);
    expect(num(total, 'bytes_moved')).toBe(1000 * GiB);

    // Per wave: the report's line is the CSV's row.
    const waves = rows.filter((r) => r[0] === 'wave');
    expect(waves.map((r) => r[1])).toEqual(['1', '2']);
    for (const w of waves) {
      const line = new RegExp(
        `\\*Wave ${col(w, 'wave')}\\* · ([^·]+) · (\\d+) of (\\d+) succeeded · (\\d+) failed · ([^·]+) · ([^·]+) objects`,
      ).exec(reportText);
      expect(line, `wave ${col(w, 'wave')} in ${reportText}`).not.toBeNull();
      expect(line![1]!.trim()).toBe(en.duration(num(w, 'duration_seconds')));
      expect([line![2], line![3], line![4]].map(Number)).toEqual([
        num(w, 'succeeded'),
        num(w, 'migrations'),
        num(w, 'failed'),
      ]);
      expect(line![5]!.trim()).toBe(en.bytes(num(w, 'bytes_moved')));
      expect(line![6]!.trim()).toBe(en.count(num(w, 'objects_moved')));
      const migrations = rows.filter((r) => r[0] === 'migration' && r[1] === col(w, 'wave'));
      expect(migrations).toHaveLength(num(w, 'migrations'));
      const counted = migrations.filter((r) => col(r, 'bytes_moved') !== '');
      expect(counted.reduce((s, r) => s + num(r, 'bytes_moved'), 0)).toBe(num(w, 'bytes_moved'));
    }
    // Wave 2 ran for 95 minutes, by the bot's clock.
    expect(num(waves[1]!, 'duration_seconds')).toBeGreaterThanOrEqual(95 * 60);
    // UpCloud's job is there with its state.
    const upRow = rows.find((r) => r[0] === 'migration' && col(r, 'connection') === 'up-fi')!;
    expect(col(upRow, 'state')).toBe('succeeded');

    // Inert: names someone chose start with a quote, never a formula.
    expect(col(upRow, 'migration')).toBe(`'=HYPERLINK("http://x")`);
    expect(rows.find((r) => col(r, 'migration') === "'-rehearsal")).toBeDefined();
    expect(textParts(rows).filter((p) => FORMULA_START.test(p))).toEqual([]);
  });
});

describe('the card’s ETA for waves not yet open', () => {
  it('says when the next wave opens from what it waits on, and why not on UpCloud', async () => {
    const answer = messageText(await t.ask('plan new estate-eta', here));
    const id = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    const a = t.oms.addTask({
      name: 'eta-first',
      status: 2,
      progress: 0.1,
      totalSize: 1024 * GiB,
      speed: 100 * 1024 ** 2,
    }).id;
    const job = upcloud.addJob({ name: 'eta-up', serviceId: SERVICE, status: 'running', progress: 0.2 });
    const b = t.oms.addTask({ name: 'eta-second', status: 3, progress: 0.1, totalSize: 1024 * GiB }).id;
    const c = t.oms.addTask({ name: 'eta-third', status: 3, progress: 0.1, totalSize: 1024 * GiB }).id;
    await t.ask(`plan add estate-eta ${a} up-fi:${job.uuid}`, here);
    await t.ask(`plan add estate-eta ${b} wave 2`, here);
    await t.ask(`plan add estate-eta ${c} wave 3`, here);
    await t.ask('plan gate estate-eta wave 2 after succeeded +2h', here);
    await t.ask('plan start estate-eta', here);
    const step = async (n: number) => {
      for (let i = 0; i < n; i++) {
        clock.advance(60_000);
        t.oms.clock.advance(60_000);
        await cycles(1);
      }
    };
    await step(4);
    const text = () => mrkdwnTexts(drawnIn(id).at(-1)!.body);
    const wave = (n: number) => new RegExp(`\\*Wave ${n}\\*[^\\n]*\\n[^\\n]*\\n([^\\n]*)`).exec(text())?.[1];
    // Wave 1 waits on an UpCloud job: states only, so no time is made up for wave 2.
    expect(wave(2)).toBe(
      ':hourglass_flowing_sand: no estimate of when it opens: UpCloud jobs give states only, no ETA',
    );
    // Wave 3 waits on wave 2, which has not run: how long it runs is not known yet.
    expect(wave(3)).toBe(':hourglass_flowing_sand: estimated once the wave before it opens');

    // The UpCloud job is done: wave 2 opens two hours after the OMS task's own ETA.
    Object.assign(upcloud.job(job.uuid)!, { status: 'completed', progress: 1 });
    await step(3);
    const open = /ETA of the open waves <!date\^(\d+)\^/.exec(text());
    expect(open, text()).not.toBeNull();
    const opens = /expected to open about <!date\^(\d+)\^/.exec(wave(2) ?? '');
    expect(opens, text()).not.toBeNull();
    expect(Number(opens![1])).toBe(Number(open![1]) + 2 * 3600);
    expect(wave(3)).toBe(':hourglass_flowing_sand: estimated once the wave before it opens');
  });
});
