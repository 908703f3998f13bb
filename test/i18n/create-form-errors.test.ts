import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NcpSimulator } from '../../dev/simulators/ncp/index.js';
import { Interactions, responseActionProblems, ViewTracker } from '../harness/interactions.js';
import { omsConnection, TestBot } from '../harness/test-bot.js';

/**
 * Issue 39: a create form's inline errors, each at its field, in the words of the person who typed
 * it (their Slack locale), through signed requests and the fake Slack. What was typed stays as typed.
 */
const t = new TestBot();
const ix = new Interactions(t);
let views: ViewTracker;
const PEOPLE = { en: 'U0ENGL001', ko: 'U0KOREA01', zh: 'U0CHINA01' } as const;
const NCP_AK = 'NCPSIMACCESSKEY00001';
const NCP_SK = 'ncp-sim-secret-key-000000000000000001';
const ncp = new NcpSimulator({ keys: { [NCP_AK]: NCP_SK } });

beforeAll(async () => {
  await ncp.start();
  await t.start({
    env: { POLL_INTERVAL_SECONDS: '0' },
    connections: (omsUrl) => [
      omsConnection('hw-prod', omsUrl),
      {
        name: 'ncp-kr',
        provider: 'ncp',
        endpoint: ncp.url,
        region: 'KR',
        auth: { type: 'aksk', accessKey: NCP_AK, secretKey: NCP_SK },
        storage: {
          source: { name: 'aws-src', accessKey: 'AKIASOURCE0000000001', secretKey: 'x'.repeat(40) },
        },
      },
    ],
  });
  views = new ViewTracker(t.fakeSlack);
  t.fakeSlack.locales.set(PEOPLE.ko, 'ko-KR');
  t.fakeSlack.locales.set(PEOPLE.zh, 'zh-CN');
  for (const user of Object.values(PEOPLE)) await t.ask(`access grant <@${user}|u> operator`);
});
afterAll(async () => {
  views?.stop();
  await t.stop();
  await ncp.stop();
});

/** `user` opens a create form (the OMS task's by default) and submits `values`; the errors Slack shows. */
async function errorsFor(
  user: string,
  values: Record<string, string | undefined>,
  command = 'create hw-prod task',
) {
  const before = views.shown.length;
  await t.command(command, { userId: user });
  const form = await t.fakeSlack.waitFor(() =>
    views.shown.slice(before).find((v) => v.view.callback_id === 'migrate_create.form'),
  );
  const res = await ix.submit(form, values, { userId: user });
  expect(res.body?.response_action).toBe('errors');
  expect(responseActionProblems(res.body!, form.view)).toEqual([]);
  return res.body?.errors as Record<string, string>;
}

const BAD = {
  task_type: 'list',
  src_cloud: 'AWS',
  src_region: undefined,
  src_bucket: 'src-bucket',
  src_objects: 'photos/',
  dst_region: 'cn-north-4',
  dst_bucket: undefined,
  list_file: 'nobucket',
  description: 'photos',
};

describe('create form errors in the reader’s language', () => {
  it('says every field’s problem in English, Korean and Chinese, each at its own field', async () => {
    const en = await errorsFor(PEOPLE.en, BAD);
    expect(en).toEqual({
      'src_region.AWS': 'The task type Object list file needs the source region: pick one.',
      src_objects:
        'Objects and prefixes are not used when the task type is Object list file: clear them, or pick Prefixes.',
      list_file: 'List file must be written <OBS bucket>/<object key>, e.g. my-lists/objects.txt.',
      dst_bucket: 'Destination bucket is required.',
    });

    const ko = await errorsFor(PEOPLE.ko, BAD);
    expect(ko).toEqual({
      // The task type is named by its Korean label here too.
      'src_region.AWS': '작업 유형이 객체 목록 파일이면 소스 리전이 필요합니다. 하나를 고르세요.',
      // The task type is named by its Korean label, as the form's choice shows it.
      src_objects:
        '작업 유형이 객체 목록 파일이면 객체와 접두사를 쓰지 않습니다. 지우거나 접두사를 고르세요.',
      list_file: '목록 파일은 <OBS 버킷>/<객체 키> 형식으로 적으세요. 예: my-lists/objects.txt.',
      dst_bucket: '대상 버킷: 필수 항목입니다.',
    });

    const zh = await errorsFor(PEOPLE.zh, BAD);
    expect(Object.keys(zh)).toEqual(Object.keys(en));
    expect(zh.list_file).toBe('列表文件请写成 <OBS 桶>/<对象键>，例如 my-lists/objects.txt。');
    expect(zh['src_region.AWS']).toBe('任务类型为对象列表文件时需要源端区域：请选择一个。');
    for (const text of [...Object.values(ko), ...Object.values(zh)]) {
      // No English sentence left: only names, codes and what was typed are Latin.
      expect(text).not.toMatch(/\b(Pick|must|required|needed|task|written)\b/);
    }
  });

  it('says a schema’s common problems (too long, on a line) in the reader’s words', async () => {
    const values = {
      task_type: 'prefix',
      src_cloud: 'AWS',
      src_region: 'us-east-1',
      src_bucket: 'src-bucket',
      src_objects: `ok/\n${'x'.repeat(1025)}`,
      dst_region: 'cn-north-4',
      dst_bucket: 'dst-bucket',
    };
    expect((await errorsFor(PEOPLE.en, values)).src_objects).toBe(
      'Objects or prefixes, line 2: must be at most 1024 characters.',
    );
    expect((await errorsFor(PEOPLE.ko, values)).src_objects).toMatch(
      /2번째 줄: 최대 1024자까지 입력할 수 있습니다\.$/,
    );
    expect((await errorsFor(PEOPLE.zh, values)).src_objects).toMatch(/第 2 行：最多 1024 个字符。$/);
  });

  it('says bandwidth window problems in the reader’s words', async () => {
    const base = {
      task_type: 'prefix',
      src_cloud: 'AWS',
      src_region: 'us-east-1',
      src_bucket: 'src-bucket',
      dst_region: 'cn-north-4',
      dst_bucket: 'dst-bucket',
    };
    const speed = { ...base, bandwidth: '00:00-06:00=500MB/s' };
    expect((await errorsFor(PEOPLE.en, speed)).bandwidth).toMatch(/^Window 1: the rate must be from/);
    expect((await errorsFor(PEOPLE.ko, speed)).bandwidth).toBe(
      '1번째 시간대: 속도는 1~200 MB/s(초당 1048576~209715200바이트)여야 합니다.',
    );
    const overlap = { ...base, bandwidth: '00:00-06:00=100MB/s\n05:00-07:00=50MB/s' };
    expect((await errorsFor(PEOPLE.zh, overlap)).bandwidth).toBe(
      '第 1 个（00:00–06:00）和第 2 个（05:00–07:00）时间段重叠。',
    );
    const typo = { ...base, bandwidth: 'nightly' };
    expect((await errorsFor(PEOPLE.ko, typo)).bandwidth).toBe(
      '1번째 줄("nightly")은 시간대가 아닙니다. 시작-끝=속도 형식으로 적으세요. 예: 00:00-06:00=200MB/s.',
    );
  });

  it('says the target service’s bucket rules and a provider’s own rules in the reader’s words', async () => {
    const values = {
      title: 'photos 2024!',
      src_csp: 'AWS',
      src_region: 'ap-northeast-2',
      dst_bucket: 'My_Bucket',
    };
    const en = await errorsFor(PEOPLE.en, values, 'create ncp-kr');
    expect(en).toEqual({
      title: 'Policy title may contain only letters, digits, ".", "-" and "_".',
      src_bucket: 'Source bucket is required.',
      dst_bucket:
        'NCP Object Storage bucket names use only lowercase letters, digits, hyphens (-) and periods (.).',
    });
    const ko = await errorsFor(PEOPLE.ko, values, 'create ncp-kr');
    expect(ko).toEqual({
      title: '정책 이름에는 문자, 숫자, ".", "-", "_"만 쓸 수 있습니다.',
      src_bucket: '소스 버킷: 필수 항목입니다.',
      dst_bucket:
        'NCP Object Storage 버킷 이름에는 영문 소문자, 숫자, 하이픈(-), 마침표(.)만 쓸 수 있습니다.',
    });
    const zh = await errorsFor(PEOPLE.zh, { ...values, title: '.' }, 'create ncp-kr');
    expect(zh.title).toBe('策略名称不能是 "." 或 ".."。');
    expect(zh.dst_bucket).toBe('NCP Object Storage 桶名只能使用小写字母、数字、连字符 (-) 和句点 (.)。');
  });
});
