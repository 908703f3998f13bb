import { describe, expect, it } from 'vitest';
import { LABEL_LIFE_MS, labels } from '../../fixtures/labels/labels.js';
import { omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { windowWorld } from '../windows/window-world.js';

// The capability seam, through signed requests: a toy "labels" capability added in one folder
// and one list entry gets a subcommand, a fact on the watcher's card and a timed job, while the
// core (Slack listeners, the watcher, its editor, the scheduler) names no capability.
//
// What a newcomer writes for "labels":
//   test/fixtures/labels/labels.ts   (here; in the bot: src/capabilities/labels/index.ts, with its
//                                     subcommand, jobs and card lines in files beside it as they grow)
//   test/fixtures/labels/words/      (its sentences in en, ko and zh-CN: the bot's catalogues
//                                     are not touched)
//   one entry in the list            (here: `capabilities: [labels]`; in the bot: one line of
//                                     src/capabilities/registry.ts)

const CHANNEL = 'C0LABELS1';
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS }, capabilities: [labels] });
const { cycles, card, runningWatched } = windowWorld(t, CHANNEL);

describe('a capability in one folder', () => {
  it('answers its subcommand, draws its fact on the card, escaped, and its job takes it off in time', async () => {
    const id = await runningWatched('nightly-copy');
    const answer = await t.ask(`label ${id} *urgent* <!channel>`, {
      userId: 'U0ALICE01',
      channelId: CHANNEL,
    });
    expect(messageText(answer)).toContain('Labelled');
    await cycles(1);
    const labelled = card('nightly-copy');
    // Drawn by the capability's own line, with what was typed inert.
    expect(labelled).toMatch(/:label: .urgent. &lt;!channel&gt;/);
    expect(labelled).not.toContain('*urgent*');

    // An hour before it lapses the job leaves it; once it has lapsed, the next cycle takes it off.
    clock.advance(LABEL_LIFE_MS - 3_600_000);
    await cycles(1);
    expect(card('nightly-copy')).toContain(':label:');
    clock.advance(3_600_000);
    await cycles(1);
    expect(card('nightly-copy')).toContain('nightly-copy');
    expect(card('nightly-copy')).not.toContain(':label:');
  });

  it('refuses a viewer and bad input with a clear message, changing nothing', async () => {
    const id = await runningWatched('other-copy');
    const refused = await t.ask(`label ${id} mine`, { userId: 'U0VIEWER1', channelId: CHANNEL });
    expect(messageText(refused)).not.toContain('Labelled');
    const usage = await t.ask('label', { userId: 'U0ALICE01', channelId: CHANNEL });
    expect(messageText(usage)).toContain('Usage: /migrate label');
    await cycles(1);
    expect(card('other-copy')).not.toContain(':label:');
  });

  it('speaks the reader’s language from its own words, the bot’s catalogues untouched', async () => {
    t.fakeSlack.locales.set('U0KOREAN1', 'ko-KR');
    t.fakeSlack.admins.add('U0KOREAN1');
    const id = await runningWatched('korean-copy');
    const done = await t.ask(`label ${id} 야간`, { userId: 'U0KOREAN1', channelId: CHANNEL });
    expect(messageText(done)).toMatch(/에 라벨을 붙였습니다\./);
    const usage = await t.ask('label', { userId: 'U0KOREAN1', channelId: CHANNEL });
    expect(messageText(usage)).toContain('사용법: /migrate label');
    const help = await t.ask('help label', { userId: 'U0KOREAN1', channelId: CHANNEL });
    expect(messageText(help)).toContain('지켜보는 리소스의 카드에 라벨 붙이기');
  });

  it('has its own section of `/migrate settings`: shown, listed in help and the refusal, and run', async () => {
    const id = await runningWatched('settings-copy');
    await t.ask(`label ${id} weekend`, { userId: 'U0ALICE01', channelId: CHANNEL });
    await cycles(1);
    expect(card('settings-copy')).toContain(':label:');

    // Its line after the core's and on-call's, in the reader's language.
    const shown = messageText(await t.ask('settings'));
    expect(shown).toMatch(/Escalation of failures nobody takes on: off.*Labels stay on a card for 4 h/s);
    const help = messageText(await t.ask('help settings'));
    expect(help).toContain('/migrate settings escalation off [#channel]');
    expect(help).toContain('/migrate settings labels clear');
    expect(messageText(await t.ask('settings label clear'))).toContain(
      'Unknown setting "label": use one of audit, language, time-zone, approvals, approval-ttl, approvers, approval-notify, escalation, retry, labels.',
    );
    expect(messageText(await t.ask('settings labels everything'))).toContain(
      'Usage: /migrate settings labels clear',
    );
    // A viewer may read the settings, not change them.
    expect(messageText(await t.ask('settings labels clear', { userId: 'U0VIEWER1' }))).toMatch(/You need/);
    expect(messageText(await t.ask('settings', { userId: 'U0VIEWER1' }))).toContain(
      'Labels stay on a card for 4 h',
    );

    const cleared = messageText(await t.ask('settings labels clear'));
    expect(cleared).toMatch(/Took [1-9]\d* labels off\..*Labels stay on a card for 4 h/s);
    await cycles(1);
    expect(card('settings-copy')).not.toContain(':label:');
    t.fakeSlack.locales.set('U0KOREAN1', 'ko-KR');
    expect(messageText(await t.ask('settings', { userId: 'U0KOREAN1' }))).toContain(
      '라벨은 카드에 4시간 동안 남습니다',
    );
  });

  it('is unknown to a bot that does not list it', async () => {
    const plain = new TestBot();
    await plain.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
    try {
      expect(messageText(await plain.ask('label x y'))).not.toContain('Labelled');
      expect(messageText(await plain.ask('settings labels clear'))).toContain(
        'use one of audit, language, time-zone, approvals, approval-ttl, approvers, approval-notify, escalation, retry.',
      );
      expect(plain.bot.deps.capabilities.names()).not.toContain('labels');
    } finally {
      await plain.stop();
    }
  });
});
