import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, mrkdwnTexts, TestBot } from '../../harness/test-bot.js';

/** `/migrate explain …` over signed HTTP, read from the ephemeral reply on the response_url. */
const t = new TestBot();
const VIEWER = 'U0VIEWER01';

beforeAll(async () => {
  await t.start();
});
afterAll(async () => {
  await t.stop();
});

async function explainReply(words: string, userId?: string) {
  const answer = await t.ask(`explain ${words}`, userId ? { userId } : {});
  expect(answer.response_type).toBe('ephemeral');
  return { answer, text: mrkdwnTexts(answer), all: messageText(answer) };
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('/migrate explain', () => {
  it('shows a code once, as the title with its catalogue message, then meaning, fix and next step', async () => {
    const { answer, text } = await explainReply('TRF.0015', VIEWER);
    const section = (answer.blocks as { text: { text: string } }[])[0]!.text.text;
    expect(section.split('\n')[0]).toBe(
      '`TRF.0015` *The source AK and SK are invalid because the Azure storage account does not use Blob storage. Enter a valid AK and SK.*',
    );
    expect(count(section, 'TRF.0015')).toBe(1);
    expect(section).not.toContain('TRF.0015: ');
    expect(section).toContain('*What it means:* The source account does not use Blob Storage');
    expect(section).toContain('*Fix:* Enter a valid source account.');
    // A credentials failure: a viewer is told to ask an admin.
    expect(section).toContain(
      "*Next step:* The connection's keys were refused. Ask an admin to fix the connection's keys, then Resume.",
    );
    expect(text).not.toContain('Did you mean');
  });

  it("gives an admin the admin's next step", async () => {
    const { text } = await explainReply('TRF.0057');
    expect(text).toContain("Fix the connection's keys, then Resume.");
    expect(text).not.toContain('Ask an admin');
  });

  it.each([
    ['trf.15', 'TRF.0015'],
    ['TRF15', 'TRF.0015'],
    ['trf 15', 'TRF.0015'],
    ['s3m.72', 'S3M.0072'],
    ['ncp 200', 'NCP.200'],
    ['insufficient credits', 'INSUFFICIENT_CREDITS'],
  ])('answers sloppy input %s with "Did you mean %s?" and that entry', async (typed, code) => {
    const { text } = await explainReply(typed);
    expect(text).toContain(`:mag: Did you mean \`${code}\`?`);
    expect(text).toContain(`\`${code}\` *`);
    expect(text).toContain('*Fix:*');
    expect(text).toContain('*Next step:*');
  });

  it('takes a code in another case as exact, with no question', async () => {
    const { text } = await explainReply('Trf.0015');
    expect(text).not.toContain('Did you mean');
    expect(text).toContain('`TRF.0015` *The source AK and SK are invalid');
  });

  it('lists up to three codes when several are close', async () => {
    const { text } = await explainReply('OMM.0151');
    expect(text).toContain('`OMM.0151` is not in the error catalogue. Did you mean one of these?');
    expect(text).toContain('• `CMM.0151` No authority');
    expect(text).toContain('• `OMS.0151` Invalid parameters.');
    expect(text).toContain('`/migrate explain CMM.0151`');
    const many = await explainReply('OMS.0003');
    expect(count(many.text, '• `')).toBe(3);
  });

  it('says plainly when a code is unknown', async () => {
    const { text } = await explainReply('TRF.9999');
    expect(text).toContain('Unknown error code TRF.9999');
    expect(text).toContain('not in the OMS error catalogue');
    expect(text).not.toContain('Did you mean');
  });

  it('refuses garbage with a clear message that names what to type', async () => {
    for (const garbage of ['what does this mean', '<!channel>', '../../etc/passwd', 'TRF.0015 please']) {
      const { text } = await explainReply(garbage);
      expect(text, garbage).toContain('is not an error code. Give one code as the provider shows it');
      expect(text, garbage).toContain('`/migrate explain TRF.0015`');
      expect(text, garbage).not.toContain('<!channel>');
    }
    expect((await explainReply('')).text).toContain('Give one error code');
  });

  it('posts to the channel when shared, with everyone’s next step', async () => {
    const answer = await t.ask('explain trf.57 share');
    expect(answer.response_type).toBe('in_channel');
    expect(mrkdwnTexts(answer)).toContain('Ask an admin to fix the connection');
  });
});
