import { describe, expect, it } from 'vitest';
import { keyedPosts, omsBot, ROOMY_EDITS } from '../harness/bots/oms-bot.js';
import { advanceWhileRunning } from '../harness/oms-running.js';
import { TestClock } from '../harness/test-clock.js';
import { until } from '../harness/until.js';
import { FORMULA_START, parseCsv, textParts } from '../helpers/csv.js';

// A task whose OMS name is a formula (`=1+2;=cmd|' /C calc'!A0`), watched to its end: the
// verification CSV the bot uploads to its thread holds that name as text. Read as a spreadsheet
// reads it, no cell, nor any part of one after a `;` `,` or tab (a spreadsheet in a locale that
// splits on `;` starts a cell there), starts with = + - @, a tab or a CR; numbers stay numbers.
const CHANNEL = 'C0CSVINRT';
const NAME = "=1+2;=cmd|' /C calc'!A0";
const MB = 1024 ** 2;
const clock = new TestClock();
// The task moves only when the test moves it (see oms-running.ts).
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS }, freeze: true });
const posts = keyedPosts(t);
const verifications = () => posts.filter((p) => p.key.endsWith(':verification'));

describe('the verification CSV uploaded to the thread', { timeout: 90_000 }, () => {
  it('holds a formula-like name as inert text, and its figures as numbers', async () => {
    const task = t.oms.addTask({
      name: NAME,
      status: 2,
      progress: 0.5,
      speed: 16 * MB,
      totalSize: 600 * MB,
      totalNum: 1203,
      skippedNum: 3,
      skippedSize: 2 * MB,
    });
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
    const advance = advanceWhileRunning(t.oms, task.id);
    const filename = `verification-${task.id}.csv`;
    const upload = await until(
      async () => {
        const found = t.fakeSlack.files.uploads.find((u) => u.filename === filename);
        if (found) return found;
        advance();
        clock.advance(30_000);
        await t.bot.deps.watcher.runCycle();
        return undefined;
      },
      { what: 'the verification CSV uploaded', timeoutMs: 60_000, everyMs: 50 },
    );
    expect(verifications()).toHaveLength(1);

    const rows = parseCsv(upload.bytes.toString('utf8'));
    const figures = Object.fromEntries(rows.slice(1).map(([figure, value]) => [figure, value]));
    // The name is all there, as text a spreadsheet shows rather than runs.
    expect(figures.name).toBe("'=1+2;'=cmd|' /C calc'!A0");
    expect(figures.state).toBe('succeeded');
    const bad = textParts(rows).filter((part) => FORMULA_START.test(part));
    expect(bad, upload.bytes.toString('utf8')).toEqual([]);
    // Every text cell is quoted; figures are written as numbers.
    const lines = upload.bytes.toString('utf8').trim().split('\r\n');
    expect(lines).toContain('"figure","value"');
    expect(lines).toContain('"objects_total",1203');
    expect(lines.find((l) => l.startsWith('"name",'))).toBe(`"name","'=1+2;'=cmd|' /C calc'!A0"`);
  });
});
