import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, TestBot } from '../harness/test-bot.js';
import { until } from '../harness/until.js';

/**
 * The subcommands that answered in English whatever the asker read (`/migrate watches`,
 * `bandwidth`, `sync-event`, `access`) and the Home tab's broken watches, asked by a Korean reader through
 * signed requests: every sentence is the catalogue's, in Korean.
 */
const KOREAN = 'U0KOREAN8';
const CHANNEL = 'C0KOWATCH';
const RUNNING = 2;
const FAILED = 4;
const t = new TestBot();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, watcher: { completionReports: false } });
  await t.ask(`access grant <@${KOREAN}|ko> operator`);
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
}, 60_000);
afterAll(async () => {
  await t.stop();
});

async function ask(text: string): Promise<string> {
  return messageText(await t.ask(text, { userId: KOREAN, channelId: CHANNEL }));
}

describe('subcommands answer a Korean reader in Korean', () => {
  it('/migrate watches: none yet, then a broken watch with its cause and fix', async () => {
    expect(await ask('watches')).toContain('지켜보는 마이그레이션이 아직 없습니다');
    const task = t.oms.addTask({ name: 'ko-watched', status: RUNNING, progress: 0.5, totalSize: 1024 ** 3 });
    await ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    const listed = await ask('watches');
    expect(listed).toContain('채널 1개에서 마이그레이션 1개를 지켜보는 중');
    expect(listed).toContain('마이그레이션 중');

    t.fakeSlack.channels.archive(CHANNEL);
    t.oms.task(task.id)!.status = FAILED;
    const broken = async () =>
      (await t.bot.deps.watcher.list('T0FAKE001', CHANNEL)).some((r) => r.broken !== undefined);
    await until(
      async () => {
        await t.bot.deps.watcher.runCycle();
        return broken();
      },
      { what: 'the watch broken', timeoutMs: 20_000, checks: 20 },
    );
    const after = await ask('watches');
    expect(after).toContain('끊김');
    expect(after).toContain('채널이 보관되었습니다');
    expect(after).toContain('해결 방법');
    expect(after).toContain('1개 끊김');
    expect(after).not.toMatch(/Broken|nothing is posted|last known|To fix it|invite me|watched migration/);

    const before = t.fakeSlack.callsTo('views.publish').length;
    await t.event({ type: 'app_home_opened', user: KOREAN, tab: 'home', channel: 'D0HOMEKO1' });
    const home = JSON.stringify(
      (await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[before])).body.view,
    );
    expect(home).toContain('채널이 보관되었습니다');
    expect(home).not.toMatch(/invite me with|the channel was archived/);
  });

  it('/migrate bandwidth: what was set, and the card, in Korean', async () => {
    const task = t.oms.addTask({ name: 'ko-throttled', status: RUNNING });
    const text = await ask(`bandwidth ${task.id} 00:00-06:00=200MB/s`);
    expect(text).toContain('대역폭을 설정했습니다');
    expect(text).toContain('00:00–06:00 최대 200 MiB/s');
    expect(text).not.toMatch(/Bandwidth (of|set)|at most/);
    expect(await ask(`bandwidth ${task.id} off`)).toContain('제한 없음');
  });

  it('/migrate sync-event: how many keys went where, in Korean', async () => {
    const sync = t.oms.addSyncTask({ status: 'SYNCHRONIZING' });
    const text = await ask(`sync-event hw-prod:${sync.id} photos/a.jpg photos/b.jpg`);
    expect(text).toContain('변경된 객체 키 2개를 보냈습니다');
    expect(text).not.toContain('Sent');
  });

  it('/migrate access: the grants, who granted them and what changed, in Korean', async () => {
    await t.ask(`access grant <@U0ADMIN08|boss> admin`);
    t.fakeSlack.locales.set('U0ADMIN08', 'ko-KR');
    const as = (text: string) => t.ask(text, { userId: 'U0ADMIN08', channelId: CHANNEL }).then(messageText);
    expect(await as('access grant <@U0NEWOP08|new> operator <#C0OPSKO1|ops>')).toContain(
      '<@U0NEWOP08> 님은 이제 <#C0OPSKO1>에서 operator입니다',
    );
    const shown = await as('access');
    expect(shown).toContain('<#C0OPSKO1>에서 *operator*');
    expect(shown).toContain('필요한 역할');
    expect(shown).not.toMatch(/Needed roles|\(by <@/);
    expect(await as('access revoke <@U0NEWOP08|new> <#C0OPSKO1|ops>')).toContain('역할을 회수했습니다');
    expect(await as('access revoke <@U0NEWOP08|new>')).toContain('바뀐 것은 없습니다');
  });

  it('/migrate list of a kind no connection here has says so in Korean', async () => {
    const text = await ask('list hw-prod policy');
    expect(text).toContain('여기 있는 연결에는 그런 종류의 리소스가 없습니다');
    expect(text).not.toContain('No connection here');
  });

  it('/migrate explain without a code gives its examples in Korean', async () => {
    const text = await ask('explain');
    expect(text).toContain('`trf.15`도 됩니다');
    expect(text).not.toContain('works too');
  });
});
