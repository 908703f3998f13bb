import { describe, expect, it } from 'vitest';
import { CHANNEL, TEAM } from '../../../../dev/playground/people.js';
import { approvalsOf } from '../../../../src/capabilities/approvals/approvals-state.js';
import { usePlaygroundScreens, WAIT_MS } from '../../../harness/playground/playground-screens.js';
import { speakIn } from '../screen-language.js';
import { addRules, askForVideoArchive, bigTransfer } from './screen-requests.js';

/**
 * The guardrails as people see them, at a desk (1280 px) and on a phone (390×844), in English,
 * Korean and Chinese: a request a rule says needs two approvers, once the first has approved
 * ("1 of 2 approvals: @Bob"), with the pre-flight line saying what the rules decided; and a
 * refusal, rule by rule, as `/migrate policy test` (and the form's Check against policy) says it.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, shoot } = screen;
const BOB = 'U0BOB0001';

const LANGS = [
  {
    lang: 'en',
    locale: 'en-US',
    votes: '1 of 2 approvals: @Bob',
    line: 'Guardrails: 2 rules apply',
    refused: 'Refused by guardrail residency',
  },
  {
    lang: 'ko',
    locale: 'ko-KR',
    votes: '승인 2건 중 1건',
    line: '가드레일: 규칙 2개 적용',
    refused: '가드레일 residency에 의해 거부됨',
  },
  {
    lang: 'zh-CN',
    locale: 'zh-CN',
    votes: '2 个批准中的 1 个',
    line: '防护规则：2 条规则适用',
    refused: '被防护规则 residency 拒绝',
  },
] as const;

function rules(): Promise<void> {
  return addRules(screen, bigTransfer({ workspaces: [TEAM.id] }), {
    id: 'residency',
    exception: '#platform-security',
    regions: { allow: ['cn-north-4', 'cn-east-3'] },
    scope: { workspaces: [TEAM.id] },
  });
}

let rulesAdded = false;

describe('guardrails at desk and phone width', { timeout: 600_000 }, () => {
  for (const l of LANGS) {
    it(`${l.lang}: a request needing two approvals, one given; a refusal rule by rule`, async () => {
      if (!rulesAdded) {
        await rules();
        rulesAdded = true;
      }
      await speakIn(screen, l);
      const description = `Archive 2025 (${l.lang}) ${Date.now() % 10_000}`;
      const approvals = approvalsOf(screen.playground.bot.deps);
      const record = await askForVideoArchive(screen, description, `screens-gr-${l.lang}`);
      expect(record.needs?.approvers).toBe(2);
      await approvals.approve({ team: TEAM.id, id: record.id, by: BOB, channel: CHANNEL.id, op: 'gr-vote' });
      const post = screen.page
        .locator('#messages .message')
        .filter({ hasText: description })
        .filter({ hasText: l.votes })
        .last();
      await post.waitFor({ timeout: WAIT_MS });
      const text = await post.innerText();
      expect(text).toContain(l.line);
      expect(text).toContain(description);
      await shoot(post, `guardrails-two-approvals-${l.lang}`);
      // On a phone the card is taller than the screen: its end, the votes above the buttons.
      await shoot(post.locator('.bk-button').first(), `guardrails-two-approvals-${l.lang}-end`);

      await type('/migrate policy test hw-sim region=ap-southeast-1 size=40TiB');
      const refusal = await message(l.refused);
      expect(await refusal.innerText()).toContain('#platform-security');
      await shoot(refusal, `guardrails-refusal-${l.lang}`);
    });
  }
});
