import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';

/**
 * Issue #51, item 5: `/migrate list runing` answered "No connection named runing" (any word a
 * connection could be called is read as one), and said it twice: as the fallback text and again as
 * the only block. A word close to a state, a kind, a provider or a connection of this workspace now
 * gets "Did you mean …?" with the command corrected, as subcommand typos do, and a reply says its
 * answer once.
 */
const KOREAN = 'U0KOREA05';
const t = new TestBot();

beforeAll(async () => {
  await t.start({ connections: (url) => [omsConnection('hw-prod', url), omsConnection('obs-eu', url)] });
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
});
afterAll(async () => {
  await t.stop();
});

/** Asks, and checks the one answer carries `said` exactly once (text and blocks together). */
async function askOnce(text: string, said: string, userId?: string): Promise<string> {
  const { responseId } = await t.command(text, userId ? { userId } : {});
  const answer = await t.answer(responseId);
  const whole = messageText(answer);
  // Blocks are JSON here, so a quote inside them reads \": count both spellings.
  const escaped = JSON.stringify(said).slice(1, -1);
  const count = (s: string) => whole.split(s).length - 1;
  expect(count(said) + (escaped === said ? 0 : count(escaped)), `${text}: ${whole}`).toBe(1);
  expect(t.fakeSlack.responsesTo(responseId)).toHaveLength(1);
  return whole;
}

describe('a list word that is close to something the list knows', () => {
  it('`list runing`: did you mean the state running, said once', async () => {
    const text = await askOnce(
      'list runing',
      'Did you mean the state `running`, as in `/migrate list running`?',
    );
    expect(text).not.toContain('No connection named');
  });

  it.each([
    ['list hw-prd', 'the connection `hw-prod`, as in `/migrate list hw-prod`'],
    ['list taks', 'the kind `task`, as in `/migrate list task`'],
    ['list hw-prod faild', 'the state `failed`, as in `/migrate list hw-prod failed`'],
    ['list upclod', 'the provider `upcloud`, as in `/migrate list upcloud`'],
    ['list obs-eu polcies', 'the kind `policies`, as in `/migrate list obs-eu policies`'],
    ['groups hw-prod pasued', 'the state `paused`, as in `/migrate groups hw-prod paused`'],
  ])('`%s` suggests %s', async (command, suggestion) => {
    const text = await askOnce(command, `Did you mean ${suggestion}?`);
    expect(text).not.toContain('No connection named');
  });

  it('a word close to nothing is still an unknown connection, said once', async () => {
    const text = await askOnce('list zzzzzz', 'No connection named "zzzzzz"');
    expect(text).toContain('This workspace has: hw-prod, obs-eu.');
    expect(text).not.toContain('Did you mean');
  });

  it('a real connection’s name is listed, however close it is to a state', async () => {
    const other = new TestBot();
    await other.start({ connections: (url) => [omsConnection('runner', url)] });
    try {
      other.oms.addTask({ name: 'runner-task', status: 2 });
      expect(messageText(await other.ask('list runner'))).toContain('runner-task');
    } finally {
      await other.stop();
    }
  });

  it('a subcommand typo also says its answer once', async () => {
    await askOnce('lsit failed', 'Did you mean `list`?');
  });

  it('in Korean, with the particle the suggestion takes', async () => {
    const text = await askOnce('list runing', '상태 `running`을 말씀하신 건가요?', KOREAN);
    expect(text).toContain('"runing"을 알 수 없습니다');
    expect(text).toContain('`/migrate list running`');
  });
});
