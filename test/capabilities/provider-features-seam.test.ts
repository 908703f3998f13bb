import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bandwidth } from '../../src/capabilities/bandwidth/index.js';
import { BANDWIDTH_WORDS } from '../../src/capabilities/bandwidth/words.js';
import { syncEvents } from '../../src/capabilities/sync-events/index.js';
import { SYNC_EVENT_WORDS } from '../../src/capabilities/sync-events/words.js';
import { LOCALES } from '../../src/i18n/locale.js';
import { MESSAGES } from '../../src/i18n/translator.js';
import { SUBCOMMANDS } from '../../src/slack/listeners/commands/subcommands/index.js';
import { startedForReading, subcommandsOf } from '../harness/started-capabilities.js';
import { messageText, TestBot } from '../harness/test-bot.js';
import { importersOf, sources } from './folder-importers.js';

const READING = startedForReading();

/**
 * What a provider may offer beyond the shared actions, each its own folder with its subcommand
 * and its words: `bandwidth` (traffic-limiting windows) and `sync-events` (changed objects told
 * to a synchronization task). Each asks the provider whether it offers the call
 * (`MigrationProvider.setBandwidth`, `syncEvent`) and refuses otherwise; outside its folder only
 * the registry names it. The bandwidth's use case stays the core's (`use-cases/set-bandwidth.ts`):
 * a time window's cap sets the same rules as the person who set it, and both say
 * `bandwidth.error.notOffered`, which so stays in the bot's catalogues.
 */
const FOLDERS = [
  { folder: 'capabilities/bandwidth/', imports: /from\s+'[./]*(?:capabilities\/)?bandwidth\/[^']+'/ },
  { folder: 'capabilities/sync-events/', imports: /from\s+'[./]*(?:capabilities\/)?sync-events\/[^']+'/ },
];

describe('bandwidth and sync events are capability folders', () => {
  it.each(FOLDERS.map((f) => [f.folder, f] as const))('%s is named outside only by the registry', (_, f) => {
    expect(importersOf(f.folder, f.imports)).toEqual(['capabilities/registry.ts']);
  });

  it('bring their subcommands through the registry, not the core’s list', () => {
    const theirs = READING.subcommands();
    const core = SUBCOMMANDS.map((s) => s.name);
    expect(core).not.toContain('bandwidth');
    expect(core).not.toContain('sync-event');
    expect(subcommandsOf(bandwidth).map((s) => [s.name, s.aliases])).toEqual([['bandwidth', ['limit']]]);
    expect(subcommandsOf(syncEvents).map((s) => [s.name, s.aliases])).toEqual([
      ['sync-event', ['sync-objects']],
    ]);
    expect(theirs).toEqual(
      expect.arrayContaining([...subcommandsOf(bandwidth), ...subcommandsOf(syncEvents)]),
    );
  });

  it('keep their words in their folders, none of them the bot’s but the refusal both sides say', () => {
    for (const words of [BANDWIDTH_WORDS, SYNC_EVENT_WORDS]) {
      expect(Object.keys(words.en).filter((k) => k in MESSAGES.en)).toEqual([]);
    }
    for (const locale of LOCALES) {
      const left = Object.keys(MESSAGES[locale]).filter((k) =>
        /^(?:bandwidth|syncEvent|sync-event)\./.test(k),
      );
      expect(left, locale).toEqual(['bandwidth.error.notOffered']);
    }
  });

  it('left nothing at the old places', () => {
    const old = [
      'slack/listeners/commands/subcommands/bandwidth.ts',
      'slack/listeners/commands/subcommands/sync-event.ts',
    ];
    expect(sources().filter((f) => old.includes(f))).toEqual([]);
  });
});

describe('their answers, over signed HTTP, in the reader’s language from their own words', () => {
  const t = new TestBot();
  const KOREAN = 'U0KOREAN7';
  beforeAll(async () => {
    await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
    await t.ask(`access grant <@${KOREAN}|kim> operator`);
    t.fakeSlack.locales.set(KOREAN, 'ko-KR');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refuse what is missing in Korean, and help all lists both with their summaries', async () => {
    const ko = { userId: KOREAN };
    expect(messageText(await t.ask('bandwidth 1912', ko))).toContain(
      BANDWIDTH_WORDS.ko['bandwidth.error.none'],
    );
    expect(messageText(await t.ask('bandwidth 1912 nonsense', ko))).toContain('대역폭 시간대가 아닙니다');
    expect(messageText(await t.ask('sync-event 8a1f', ko))).toContain(
      SYNC_EVENT_WORDS.ko['sync-event.error.none'],
    );
    const help = messageText(await t.ask('help all', ko));
    expect(help).toContain('/migrate bandwidth');
    expect(help).toContain('/migrate sync-event');
    expect(help).toContain(BANDWIDTH_WORDS.ko['help.summary.bandwidth'].slice(0, 20));
    expect(help).toContain(SYNC_EVENT_WORDS.ko['help.summary.sync-event'].slice(0, 15));
  });

  it('refuse a resource that takes no sync event, in Korean from its words', async () => {
    const task = t.oms.addTask({ name: 'not-a-sync', status: 2 });
    const text = messageText(await t.ask(`sync-event hw-prod:${task.id} a.txt`, { userId: KOREAN }));
    expect(text).toContain('not-a-sync');
    expect(text).toContain('동기화 이벤트는 OMS 동기화 태스크에만 보낼 수 있습니다.');
  });
});
