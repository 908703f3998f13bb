import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { asAppError, InvalidInputError } from '../../src/errors.js';
import { translatorFor } from '../../src/i18n/translator.js';
import { PoolRegistry } from '../../src/providers/http/http-client.js';
import { createProvider } from '../../src/providers/registry.js';
import { renderError } from '../../src/slack/blocks/error-message.js';
import { omsAndUpCloudBot } from '../harness/bots/upcloud-bot.js';
import { messageText, omsConnection } from '../harness/test-bot.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * The refusals a provider makes (an id that is not one of its ids, a connection without the bucket
 * keys it needs, a kind it does not have) are said in the reader's language, as the bot's own are:
 * they were English whatever the workspace spoke. Through signed requests and the fake Slack where
 * a person can reach them, and through the renderer the bot answers with for the rest.
 */
const KOREAN = 'U0KOPROV01';
const CHINESE = 'U0ZHPROV01';
const UPCLOUD_TOKEN = 'ucat_upcloud-sim-token-0000000000000077';
const SERVICE = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c77';
/** Where Hangul is, English words of the old messages must not be. */
const ENGLISH_LEFT = /is not an|has no|credentials|resources|cannot be/;

const { t } = omsAndUpCloudBot(
  { service: SERVICE, token: UPCLOUD_TOKEN },
  // The same project, but nobody gave it the bucket keys (`storage`).
  { between: (omsUrl) => [omsConnection('hw-nokeys', omsUrl, { storage: {} })] },
);

beforeAll(async () => {
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
  t.fakeSlack.locales.set(CHINESE, 'zh-CN');
  await t.ask(`access grant <@${KOREAN}|ko> operator`);
});

/** Presses an Open button carrying `target`, as a list or a card would hand it out. */
async function open(target: { c: string; k: string; id: string }, who: string): Promise<string> {
  const click = await t.click('resource.open', JSON.stringify(target), who);
  return messageText(await click.answer());
}

describe('through the bot, a ko-KR person reads a provider’s refusals in Korean', () => {
  it('an OMS task id that is not one (up to 15 digits)', async () => {
    const text = await open({ c: 'hw-prod', k: 'task', id: '12a' }, KOREAN);
    expect(text).toContain('"12a"는 OMS 태스크 ID가 아닙니다(숫자 최대 15자리).');
    expect(text).not.toMatch(ENGLISH_LEFT);
  });

  it('the same in Chinese for a zh-CN person, and in English for everyone else', async () => {
    expect(await open({ c: 'hw-prod', k: 'task', id: '12a' }, CHINESE)).toContain(
      '“12a”不是 OMS 任务 ID（最多 15 位数字）。',
    );
    expect(await open({ c: 'hw-prod', k: 'task', id: '12a' }, 'U0ALICE01')).toContain(
      '"12a" is not an OMS task id (up to 15 digits)',
    );
  });

  it('a kind the provider does not have, the kind in Korean words', async () => {
    const text = await open({ c: 'hw-prod', k: 'job', id: '191297407830872' }, KOREAN);
    expect(text).toContain('huawei-oms에는 작업 리소스가 없습니다(있는 종류: task, task-group, sync-task).');
    expect(text).not.toMatch(ENGLISH_LEFT);
  });

  it('a connection without the source bucket keys OMS needs to start a synchronization task', async () => {
    const task = t.oms.addSyncTask({ status: 'STOPPED' });
    const text = messageText(await t.ask(`resume hw-nokeys:${task.id}`, { userId: KOREAN }));
    expect(text).toContain(
      '연결 hw-nokeys에 소스 스토리지 자격 증명(storage.source.accessKey와 storage.source.secretKey)이 없습니다. ' +
        'OMS가 동기화 태스크를 시작할 때 필요합니다. 연결에 `storage.source`를 추가하세요.',
    );
    expect(text).not.toMatch(ENGLISH_LEFT);
  });

  it('traffic limits asked of an OMS synchronization task, which has none', async () => {
    const task = t.oms.addSyncTask({ status: 'SYNCHRONIZING' });
    const text = messageText(
      await t.ask(`bandwidth hw-prod:${task.id} 00:00-06:00=100MB/s`, { userId: KOREAN }),
    );
    expect(text).toContain('OMS 동기화 태스크에는 트래픽 제한 규칙이 없습니다.');
  });

  it('an UpCloud job id that is not a UUID, its particle fitting the id', async () => {
    const text = await open({ c: 'up-fi', k: 'job', id: 'not-a-job' }, KOREAN);
    expect(text).toContain('"not-a-job"은 UpCloud 작업 UUID가 아닙니다');
    expect(text).not.toMatch(ENGLISH_LEFT);
  });
});

describe('what a person meets through the other providers is Korean as the bot renders it', () => {
  const pools = new PoolRegistry();
  const { logger } = captureLogger('fatal');
  const korean = translatorFor('ko');
  afterAll(() => pools.close());

  /** The provider's refusal as the bot answers it to a Korean reader. */
  async function saidInKorean(attempt: Promise<unknown>): Promise<string> {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    return renderError(asAppError(error), 'op1', korean).text;
  }

  const ncp: Connection = {
    name: 'ncp-kr',
    provider: 'ncp',
    // Nothing is sent: each refusal comes before a request would.
    endpoint: 'http://127.0.0.1:9',
    region: 'KR',
    auth: {
      type: 'aksk',
      accessKey: 'NCPSIMACCESSKEY00077',
      secretKey: 'ncp-sim-secret-key-000000000000000077',
    },
    storage: {},
  };
  const up: Connection = {
    name: 'up-nokeys',
    provider: 'upcloud',
    endpoint: 'http://127.0.0.1:9',
    serviceId: SERVICE,
    auth: { type: 'bearer', token: UPCLOUD_TOKEN },
    storage: {},
  };

  it('NCP: a connection without source keys, and a kind it does not have', async () => {
    const provider = createProvider(ncp, { pools, logger });
    const request = {
      title: 'new-policy',
      sourceCspType: 'Azure',
      sourceRegion: 'koreacentral',
      sourceBucket: 'photos',
      targetBucket: 'photos-kr',
    };
    const keys = await saidInKorean(provider.create!('policy', request));
    expect(keys).toContain(
      '연결 ncp-kr에 소스 스토리지 자격 증명이 없습니다. NCP가 Azure 버킷을 읽으려면 필요합니다.',
    );
    expect(keys).toContain('accessKey = 스토리지 계정 이름, secretKey = 계정 액세스 키');
    expect(keys).not.toMatch(ENGLISH_LEFT);
    const kind = await saidInKorean(provider.get('task', 'photos'));
    expect(kind).toContain('ncp에는 태스크 리소스가 없고 정책만 있습니다.');
    const title = await saidInKorean(provider.get('policy', '..'));
    expect(title).toContain('".."은(는) URL로 가리킬 수 없어 NCP 정책 제목으로 보낼 수 없습니다.');
  });

  it('UpCloud: a connection without source keys, and a kind it does not have', async () => {
    const provider = createProvider(up, { pools, logger });
    const request = {
      name: 'n',
      sourceEndpoint: 's3.amazonaws.com',
      sourceRegion: 'us-east-1',
      sourceBucket: 'b',
      targetBucket: 't',
    };
    const keys = await saidInKorean(provider.create!('job', request));
    expect(keys).toContain(
      '연결 up-nokeys에 소스 스토리지 자격 증명이 없습니다. UpCloud가 소스 버킷을 읽으려면 필요합니다.',
    );
    expect(keys).not.toMatch(ENGLISH_LEFT);
    const kind = await saidInKorean(provider.get('policy', SERVICE));
    expect(kind).toContain('upcloud에는 작업 리소스만 있고 정책 리소스는 없습니다.');
  });
});
