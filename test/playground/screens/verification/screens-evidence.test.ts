import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GiB } from '../../../../dev/simulators/huawei-oms/index.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { inChannelLanguage } from '../screen-page.js';

/**
 * The evidence bundle as people see it, at a desk (1280 px) and on a phone (390×844), in English,
 * Korean and Chinese: `/migrate evidence` on a task that succeeded answers where its signed bundle
 * is, with how many parts and the key it is signed with. Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens({
  env: { MIGRATE_BOT_EVIDENCE_KEYS: `k1:${randomBytes(32).toString('base64')}` },
});
const { type, shoot } = screen;

const LANGS = [
  {
    lang: 'en',
    locale: 'en-US',
    done: /The signed evidence bundle of .* is in .*: \d+ parts, signed with key/,
  },
  { lang: 'ko', locale: 'ko-KR', done: /의 서명된 증거 번들을 .*에 올렸습니다: 파트 \d+개/ },
  { lang: 'zh-CN', locale: 'zh-CN', done: /的签名证据包已发到.*：\d+ 个部分/ },
] as const;

describe('the evidence bundle at desk and phone width', { timeout: 600_000 }, () => {
  for (const l of LANGS) {
    it(`${l.lang}: /migrate evidence answers where the signed bundle is`, async () => {
      const { page, playground } = screen;
      await inChannelLanguage(screen, l.lang, l.locale, async () => {
        const name = `ledger-export-${l.lang.toLowerCase()}`;
        const task = playground.simulators.get('huawei-oms').addTask({
          name,
          status: 5,
          progress: 1,
          totalSize: 2 * GiB,
          totalNum: 20_000,
          speed: 64 * 1024 ** 2,
        });
        await type(`/migrate watch hw-sim:${task.id}`);
        await screen.message(new RegExp(name));
        await type(`/migrate evidence hw-sim:${task.id}`);
        const answer = page
          .locator('#messages .message')
          .filter({ hasText: `evidence hw-sim:${task.id}` })
          .last();
        await screen.shown(answer, 'the evidence answer');
        await expect.poll(() => answer.innerText(), { timeout: 45_000 }).toMatch(l.done);
        await shoot(answer, `evidence-answer-${l.lang}`);
      });
    });
  }
});
