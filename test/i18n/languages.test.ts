import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../src/capabilities/approvals/approvals-state.js';
import { generateKey } from '../../src/crypto/secret-box.js';
import { Interactions, ViewTracker, viewLimitProblems } from '../harness/interactions.js';
import { buttons, messageText, mrkdwnTexts, SIGNING_SECRET, TestBot } from '../harness/test-bot.js';
import { until } from '../harness/until.js';
import { type OpenedView, postViewSubmission } from '../harness/views.js';
import { notifications } from '../harness/watcher-rig.js';

/**
 * Through signed requests: a person's Slack locale picks the language of what only they see, and
 * `/migrate settings language` picks the language of what the watcher posts in a channel.
 */
const t = new TestBot();
const ADMIN = 'U0ALICE01';
const KOREAN = 'U0KOREA01';
const OPERATOR = 'U0OPER001';
const CHINESE_CHANNEL = 'C0CHINA01';
const TEAM = 'T0FAKE001';

beforeAll(async () => {
  // An encryption key: admins may add connections from Slack (the connect form's test).
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0', MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${generateKey()}` } });
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});

describe('a person reads in their Slack language', () => {
  it('a ko-KR user gets /migrate status in Korean, ids and names as they are', async () => {
    const task = t.oms.addTask({ name: 'photos-to-obs', status: 3 });
    const text = messageText(await t.ask(`status ${task.id}`, { userId: KOREAN }));
    expect(text).toContain('일시 중지됨');
    expect(text).toContain('photos-to-obs');
    expect(text).toContain(`hw-prod:${task.id}`);
    expect(text).toContain('새로고침');
    expect(text).not.toContain('Refresh');
    // Someone whose Slack speaks English still reads English.
    const english = messageText(await t.ask(`status ${task.id}`, { userId: ADMIN }));
    expect(english).toContain('Paused');
    expect(english).not.toContain('일시 중지됨');
  });

  it('the Home tab follows the viewer: Korean for a ko-KR user, and again after they change language', async () => {
    t.oms.addTask({ name: 'home-ko-running', status: 2 });
    const home = async (user: string) => {
      const before = t.fakeSlack.callsTo('views.publish').length;
      await t.event({ type: 'app_home_opened', user, channel: 'D0001', tab: 'home' });
      const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[before]);
      return JSON.stringify(call.body.view);
    };
    const korean = await home(KOREAN);
    expect(korean).toContain('연결');
    expect(korean).toContain('home-ko-running');
    expect(korean).not.toContain('Waiting for approval');
    // They switch Slack to English: Slack sends user_change, and the next Home is English at once.
    t.fakeSlack.locales.set(KOREAN, 'en-US');
    await t.event({ type: 'user_change', user: { id: KOREAN, team_id: TEAM } });
    await expect.poll(async () => home(KOREAN)).toContain('Connections');
    t.fakeSlack.locales.set(KOREAN, 'ko-KR');
    await t.event({ type: 'user_change', user: { id: KOREAN, team_id: TEAM } });
  });

  it('a ko-KR operator subscribing a channel is answered in Korean; channels and names stay as they are', async () => {
    const KOREAN_OPERATOR = 'U0KOREA02';
    t.fakeSlack.locales.set(KOREAN_OPERATOR, 'ko-KR');
    await t.ask(`access grant <@${KOREAN_OPERATOR}|ko> operator`);
    const answer = messageText(
      await t.ask('subscribe hw-prod failures <#C0KOSUB01|ops>', { userId: KOREAN_OPERATOR }),
    );
    expect(answer).toContain('<#C0KOSUB01>');
    expect(answer).toContain('`hw-prod`');
    expect(answer).toContain('실패마다');
    expect(answer).not.toContain('now follows');
    const listed = messageText(await t.ask('subscriptions', { userId: KOREAN }));
    expect(listed).toContain('구독');
    await t.ask('unsubscribe hw-prod <#C0KOSUB01|ops>', { userId: KOREAN_OPERATOR });
  });

  it('a ko-KR user gets /migrate explain OMS.0001 in Korean, with the code and the English kept', async () => {
    const text = messageText(await t.ask('explain OMS.0001', { userId: KOREAN }));
    expect(text).toContain('`OMS.0001`');
    expect(text).toContain('파라미터 설정이 잘못되었습니다');
    expect(text).toContain('*해결 방법:*');
    expect(text).toContain('*다음 단계:*');
    // The catalogue's English stays beside the translation.
    expect(text).toContain('_영어 원문:');
    expect(text).toMatch(/Parameter/i);
  });

  it('help and list follow the person too', async () => {
    const help = messageText(await t.ask('help', { userId: KOREAN }));
    // Bold beside Hangul gets a space, or Slack shows the asterisks (issue 39).
    expect(help).toContain('여기서 내 역할은 *viewer* 입니다.');
    // The short first screen: its lines and its buttons in Korean.
    expect(help).toContain('카드를 보여 줍니다');
    expect(help).toContain('"text":"모든 명령"');
    const list = messageText(await t.ask('list', { userId: KOREAN }));
    expect(list).toContain('마이그레이션');
    expect(list).toContain('열기');
  });

  it("refusals and typos are answered in the person's language", async () => {
    const refused = messageText(await t.ask('settings language ko', { userId: KOREAN }));
    expect(refused).toContain('admin 역할이 필요합니다');
    const typo = messageText(await t.ask('staus', { userId: KOREAN }));
    expect(typo).toContain('알 수 없는 하위 명령');
    expect(typo).toContain('`status`');
  });
});

describe('errors are answered in the asker’s language, what they typed kept as typed', () => {
  const CHINESE = 'U0CHINA01';

  it('a zh-CN user gets /migrate status nosuchid and /migrate list nosuchconnection in Chinese', async () => {
    t.fakeSlack.locales.set(CHINESE, 'zh-CN');
    const status = messageText(await t.ask('status nosuchid', { userId: CHINESE }));
    expect(status).toContain('“nosuchid”');
    expect(status).toMatch(/中没有“nosuchid”。可以用 `\/migrate list` 查看现有的项目。/);
    expect(status).not.toContain('No resource');
    const list = messageText(await t.ask('list nosuchconnection', { userId: CHINESE }));
    expect(list).toContain('没有名为“nosuchconnection”的连接。此工作区的连接有：');
    expect(list).toContain('hw-prod');
    expect(list).not.toContain('No connection named');
    // English readers read what they always did.
    expect(messageText(await t.ask('list nosuchconnection', { userId: ADMIN }))).toContain(
      'No connection named "nosuchconnection". This workspace has: ',
    );
  });

  it('a zh-CN user’s narrowed list names its filters in Chinese, the connection as typed', async () => {
    t.fakeSlack.locales.set(CHINESE, 'zh-CN');
    const answer = await t.ask('list hw-prod failed', { userId: CHINESE });
    const text = messageText(answer);
    expect(text).toContain('连接 hw-prod · 失败');
    expect(text).not.toContain('in hw-prod');
    expect(messageText(await t.ask('list hw-prod failed', { userId: ADMIN }))).toContain(
      'in hw-prod · failed',
    );
  });

  it('a zh-CN user’s typos, ambiguous prefixes and refusals are Chinese too', async () => {
    t.fakeSlack.locales.set(CHINESE, 'zh-CN');
    const badMode = messageText(await t.ask('subscribe hw-prod sometimes', { userId: CHINESE }));
    expect(badMode).toContain('`sometimes` 不是有效的方式');
    const word = messageText(await t.ask('list hw-prod failed running', { userId: CHINESE }));
    expect(word).toContain('最多只能指定一个状态');
    const noId = messageText(await t.ask('status', { userId: CHINESE }));
    expect(noId).toContain('`/migrate status` 需要一个 ID');
    const refused = messageText(await t.ask('disconnect hw-prod', { userId: CHINESE }));
    expect(refused).toContain('在整个工作区执行此操作（移除连接）需要 admin 角色');
    t.oms.addTask({ id: '777700000000001', name: 'twin-a', status: 2 });
    t.oms.addTask({ id: '777700000000002', name: 'twin-b', status: 3 });
    const ambiguous = await t.ask('status 7777000', { userId: CHINESE });
    expect(messageText(ambiguous)).toContain('“7777000”匹配到 2 个项目');
    expect(mrkdwnTexts(ambiguous)).toContain('已暂停');
  });
});

describe('a channel Slack refuses is explained in the asker’s language', () => {
  it('a ko-KR operator watching in an archived channel is told why and how to fix it in Korean', async () => {
    await t.ask(`access grant <@${KOREAN}|ko> operator`);
    try {
      const channel = 'C0ARCHIV9';
      t.fakeSlack.channels.archive(channel);
      const task = t.oms.addTask({ name: 'archived-watch', status: 3 });
      const refused = messageText(await t.ask(`watch ${task.id} <#${channel}|old>`, { userId: KOREAN }));
      expect(refused).toContain('게시할 수 없습니다');
      expect(refused).toContain('보관을 해제하고');
      // The channel a live link, the commands and the reason as they are.
      expect(refused).toContain(`<#${channel}>`);
      expect(refused).toContain('`/invite @migrate`');
      expect(refused).toContain(`\`/migrate watch hw-prod:${task.id}\``);
      expect(refused).toContain('is_archived');
      expect(refused).not.toContain("can't post");
    } finally {
      await t.ask(`access revoke <@${KOREAN}|ko>`);
    }
  });
});

describe('modals follow the person who opens them', () => {
  const KOREAN_OPERATOR = 'U0KOREA03';
  type View = Record<string, unknown>;
  const viewsSince = (method: string, since: number) =>
    t.fakeSlack
      .callsTo(method)
      .slice(since)
      .map((c) => c.body.view as View);

  it('a ko-KR operator typing /migrate create gets the picker, then the OMS form, in Korean', async () => {
    t.fakeSlack.locales.set(KOREAN_OPERATOR, 'ko-KR');
    await t.ask(`access grant <@${KOREAN_OPERATOR}|ko> operator`);
    const opens = t.fakeSlack.callsTo('views.open').length;
    await t.command('create', { userId: KOREAN_OPERATOR });
    const picker = await t.fakeSlack.waitFor(() => viewsSince('views.open', opens)[0]);
    const pickerText = JSON.stringify(picker);
    expect((picker.title as { text: string }).text).toBe('새 마이그레이션');
    expect(pickerText).toContain('무엇을 만들까요?');
    expect(pickerText).toContain('hw-prod · OMS 마이그레이션 작업');
    expect(pickerText).not.toContain('New migration');
    expect(viewLimitProblems(picker)).toEqual([]);

    const updates = t.fakeSlack.callsTo('views.update').length;
    const opened = t.fakeSlack.callsTo('views.open').length;
    await t.command('create hw-prod task', { userId: KOREAN_OPERATOR });
    const loading = await t.fakeSlack.waitFor(() => viewsSince('views.open', opened)[0]);
    expect((loading.title as { text: string }).text).toBe('새 OMS 작업');
    expect(JSON.stringify(loading)).toContain('양식을 불러오는 중');
    const form = await t.fakeSlack.waitFor(() =>
      viewsSince('views.update', updates).find((v) => v.callback_id === 'migrate_create.form'),
    );
    const text = JSON.stringify(form);
    for (const korean of [
      '새 OMS 작업',
      '승인 요청',
      '작업 유형',
      '소스 버킷',
      '덮어쓰기 방식',
      '크기나 날짜가 다르면 덮어쓰기',
    ])
      expect(text).toContain(korean);
    // Connection names, values and region codes stay as they are.
    expect(text).toContain('`hw-prod`');
    expect(text).toContain('SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE');
    expect(text).not.toContain('Request approval');
    expect(text).not.toContain('Task type');
    expect(viewLimitProblems(form)).toEqual([]);
  });
});

describe('the connect form answers the admin who typed it in their language', () => {
  it('a ko-KR admin’s failing submission gets its inline errors in Korean; what was typed stays as typed', async () => {
    const KOREAN_ADMIN = 'U0KOADM01';
    t.fakeSlack.locales.set(KOREAN_ADMIN, 'ko-KR');
    await t.ask(`access grant <@${KOREAN_ADMIN}|ko> admin`);
    const before = t.fakeSlack.callsTo('views.open').length;
    await t.command('connect', { userId: KOREAN_ADMIN });
    const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.open')[before]);
    const view = { ...(call.body.view as OpenedView), id: 'V0CONNKO1' };
    const shown = JSON.stringify(view);
    expect(shown).toContain('스토리지 자격 증명');
    expect(shown).toContain('소스 자격 증명 이름');
    expect(shown).not.toContain('Source credential name');
    expect(viewLimitProblems(view as never)).toEqual([]);
    const ack = await postViewSubmission(
      t.eventsUrl,
      SIGNING_SECRET,
      view,
      {
        name: 'Prod Account',
        'endpoint.huawei-oms': 'http://169.254.169.254:8443/latest',
        project_id: 'not a project',
        access_key: 'has spaces',
        secret_key: '',
        src_access_key: 'AKIASOURCE0001',
        dst_name: 'Bad Name',
      },
      { userId: KOREAN_ADMIN },
    );
    expect(ack.body?.response_action).toBe('errors');
    const errors = ack.body?.errors as Record<string, string>;
    expect(errors.name).toBe(
      '영문 소문자, 숫자, - 또는 _만 쓰세요(최대 40자, 영문자나 숫자로 시작). 예: hw-prod.',
    );
    expect(errors['endpoint.huawei-oms']).toContain('https://');
    expect(errors['endpoint.huawei-oms']).toMatch(/[\uAC00-\uD7A3]/);
    expect(errors.project_id).toBe(
      'Huawei 프로젝트 ID는 영문자, 숫자 또는 기호 1~1,024자이며 공백과 / ? # %를 쓸 수 없고 . 또는 ..만으로 된 값은 안 됩니다(내 자격 증명 → 프로젝트).',
    );
    expect(errors.access_key).toBe(
      '액세스 키 ID는 영문자와 숫자로만 된 8자 이상입니다. 예: HPUAL7YFH2XXXXXXXXXX.',
    );
    expect(errors.secret_key).toBe('비밀 키를 입력하세요.');
    expect(errors.src_name).toBe('소스 자격 증명의 이름을 입력하세요(예: aws-src).');
    expect(errors.src_secret_key).toContain('소스 비밀 키를 입력하세요');
    expect(errors.dst_name).toBe('영문 소문자, 숫자, - 또는 _만 쓰세요(최대 40자).');
    for (const message of Object.values(errors)) expect(message).not.toMatch(/Enter the|Use lowercase/);
  });
});

describe('/migrate settings language', () => {
  it('a non-admin cannot change the language, and nothing changes', async () => {
    const refused = messageText(
      await t.ask(`settings language zh-CN <#${CHINESE_CHANNEL}|cn>`, { userId: OPERATOR }),
    );
    expect(refused).toContain(`You need the admin role in <#${CHINESE_CHANNEL}> to change settings`);
    expect(await t.bot.deps.settings.get(TEAM)).not.toHaveProperty('channelLanguages');
    expect((await t.bot.deps.settings.get(TEAM)).language).toBeUndefined();
  });

  it('a language the bot does not speak gets a clear message and changes nothing', async () => {
    const before = await t.bot.deps.settings.get(TEAM);
    const answer = messageText(await t.ask(`settings language fr <#${CHINESE_CHANNEL}|cn>`));
    expect(answer).toContain(
      '"fr" is not a language I speak: use one of en, ko, zh-CN. Nothing was changed.',
    );
    const zhTw = messageText(await t.ask('settings language zh-TW'));
    expect(zhTw).toContain('"zh-TW" is not a language I speak');
    expect(await t.bot.deps.settings.get(TEAM)).toEqual(before);
  });

  it('after `settings language zh-CN #channel` the watcher posts there in Chinese', async () => {
    const set = messageText(await t.ask(`settings language zh-CN <#${CHINESE_CHANNEL}|cn>`));
    expect(set).toContain(`Posts in <#${CHINESE_CHANNEL}> now use 简体中文.`);
    expect((await t.bot.deps.settings.get(TEAM)).channelLanguages).toEqual({ [CHINESE_CHANNEL]: 'zh-CN' });

    t.fakeSlack.clear();
    const task = t.oms.addTask({ name: 'invoices-to-obs', status: 3 });
    // The person who asked reads English; the channel's card is Chinese.
    const watched = messageText(
      await t.ask(`watch ${task.id} <#${CHINESE_CHANNEL}|cn>`, { userId: OPERATOR }),
    );
    expect(watched).toContain('Watching *invoices-to-obs*');
    const parent = notifications(t.fakeSlack).find((n) => n.event === 'parent');
    expect(parent?.body.channel).toBe(CHINESE_CHANNEL);
    const card = messageText(parent!.body);
    expect(card).toContain('已暂停');
    expect(card).toContain('在本频道关注');
    expect(card).toContain(`hw-prod:${task.id}`);

    await t.ask(`resume ${task.id}`, { userId: OPERATOR });
    await until(
      async () => {
        await t.bot.deps.watcher.runCycle();
        return notifications(t.fakeSlack).some((n) => n.event === 'resumed');
      },
      { what: 'the resume told in the thread', timeoutMs: 20_000, everyMs: 100, checks: 40 },
    );
    const resumed = notifications(t.fakeSlack).find((n) => n.event === 'resumed');
    expect(resumed?.body.channel).toBe(CHINESE_CHANNEL);
    expect(messageText(resumed!.body)).toContain('*invoices-to-obs* 已继续');
  });

  it('the workspace default applies to channels without their own language, and shows in settings', async () => {
    const set = messageText(await t.ask('settings language ko'));
    expect(set).toContain('Channel posts now use 한국어');
    const shown = messageText(await t.ask('settings'));
    expect(shown).toContain('Language of channel posts: 한국어');
    expect(shown).toContain(`<#${CHINESE_CHANNEL}> 简体中文`);
    expect(await t.bot.deps.slack.locales?.forChannel(TEAM, 'C0OTHER01')).toBe('ko');
    expect(await t.bot.deps.slack.locales?.forChannel(TEAM, CHINESE_CHANNEL)).toBe('zh-CN');
    // Back to the workspace's for that channel.
    await t.ask(`settings language default <#${CHINESE_CHANNEL}|cn>`);
    expect(await t.bot.deps.slack.locales?.forChannel(TEAM, CHINESE_CHANNEL)).toBe('ko');
    await t.ask('settings language en');
  });
});

/** `requester` asks for an OMS task with the create form; the calls recorded before it was submitted. */
async function requestTask(requester: string, views: ViewTracker, ix: Interactions) {
  await t.command('create hw-prod task', { userId: requester });
  const form = await t.fakeSlack.waitFor(() =>
    views.shown.find((v) => v.view.callback_id === 'migrate_create.form'),
  );
  const since = t.fakeSlack.calls.length;
  const submitted = await ix.submit(
    form,
    {
      task_type: 'prefix',
      src_cloud: 'AWS',
      src_region: 'us-east-1',
      src_bucket: 'src-bucket',
      dst_region: 'cn-north-4',
      dst_bucket: 'dst-bucket',
      description: 'photos to OBS',
    },
    { userId: requester },
  );
  return { since, submitted };
}

describe('approval requests read in the approvals channel’s language', () => {
  it('a request posted in a channel set to zh-CN is in Chinese; the Korean requester’s decision DM is in Korean', async () => {
    const APPROVALS_ZH = 'C0APPRZH1';
    const REQUESTER = 'U0KOREA04';
    t.fakeSlack.locales.set(REQUESTER, 'ko-KR');
    await t.ask(`access grant <@${REQUESTER}|ko> operator`);
    await t.ask(`settings approvals <#${APPROVALS_ZH}|approvals>`);
    await t.ask(`settings language zh-CN <#${APPROVALS_ZH}|approvals>`);
    const views = new ViewTracker(t.fakeSlack);
    const ix = new Interactions(t);
    try {
      const { since, submitted } = await requestTask(REQUESTER, views, ix);
      expect(submitted.body).toBeUndefined();
      const posted = await t.fakeSlack.waitFor(() =>
        t.fakeSlack.calls
          .slice(since)
          .find((c) => c.method === 'chat.postMessage' && c.body.channel === APPROVALS_ZH),
      );
      const request = messageText(posted.body);
      expect(request).toContain('待审批：新建 OMS 迁移任务');
      expect(request).toContain('源端');
      expect(request).toContain('目的端');
      expect(request).toContain('大小或时间不同时覆盖');
      expect(request).toContain('`hw-prod`');
      expect(request).toContain('dst-bucket');
      expect(request).not.toContain('asks to create');
      const approve = buttons(posted.body).find((b) => b.action_id === 'approval.approve')!;
      expect(JSON.stringify(approve)).toContain('批准');
      // The person who asked is answered where they asked, in Korean.
      const pending = await t.fakeSlack.waitFor(() =>
        t.fakeSlack.calls
          .slice(since)
          .find((c) => c.method === 'chat.postEphemeral' && c.body.user === REQUESTER),
      );
      expect(messageText(pending.body)).toContain('승인자를 기다리고 있습니다');

      const ts = await until(
        async () => (await approvalsOf(t.bot.deps).get(TEAM, approve.value)).message?.ts,
        {
          what: 'the approval record’s message ts',
          everyMs: 20,
        },
      );
      const decided = t.fakeSlack.calls.length;
      const click = await ix.clickMessage(
        {
          actionId: 'approval.approve',
          value: approve.value,
          channelId: APPROVALS_ZH,
          messageTs: ts!,
          responseUrl: t.fakeSlack.responseUrl('approval-zh'),
        },
        { userId: ADMIN },
      );
      expect(click.status).toBe(200);
      const update = await t.fakeSlack.waitFor(() =>
        t.fakeSlack.calls.slice(decided).find((c) => c.method === 'chat.update' && c.body.ts === ts),
      );
      expect(messageText(update.body)).toMatch(/批准/);
      const dm = await t.fakeSlack.waitFor(() =>
        t.fakeSlack.calls
          .slice(decided)
          .find((c) => c.method === 'chat.postMessage' && c.body.channel === REQUESTER),
      );
      expect(messageText(dm.body)).toContain('님이 내 요청');
      // The request by its title, linked to its message (never its hex id).
      expect(messageText(dm.body)).toContain('|“photos to OBS”>을(를) 승인했습니다');
      expect(messageText(dm.body)).not.toContain(`\`${approve.value}\``);
    } finally {
      views.stop();
    }
  });

  it('a request the bot cannot post (not in the approvals channel) tells the Korean requester why, in Korean', async () => {
    const APPROVALS_OUT = 'C0APPROUT';
    const REQUESTER = 'U0KOREA05';
    t.fakeSlack.locales.set(REQUESTER, 'ko-KR');
    await t.ask(`access grant <@${REQUESTER}|ko> operator`);
    await t.ask(`settings approvals <#${APPROVALS_OUT}|approvals>`);
    t.fakeSlack.channels.removeBot(APPROVALS_OUT);
    const views = new ViewTracker(t.fakeSlack);
    const ix = new Interactions(t);
    try {
      const { since } = await requestTask(REQUESTER, views, ix);
      const told = await t.fakeSlack.waitFor(() =>
        t.fakeSlack.calls
          .slice(since)
          .find((c) => c.method === 'chat.postMessage' && c.body.channel === REQUESTER),
      );
      const text = messageText(told.body);
      expect(text).toContain(`<#${APPROVALS_OUT}>에 요청을 게시할 수 없습니다(not_in_channel)`);
      expect(text).toContain('`/invite @migrate`');
      expect(text).not.toContain("I can't post");
    } finally {
      t.fakeSlack.channels.inviteBot(APPROVALS_OUT);
      views.stop();
    }
  });
});
