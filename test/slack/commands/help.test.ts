import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED_ROLE } from '../../../src/access/roles.js';
import { code } from '../../../src/slack/blocks/mrkdwn.js';
import { allSubcommands } from '../../../src/slack/listeners/commands/subcommands/index.js';
import { startedForReading } from '../../harness/started-capabilities.js';
import { buttons, messageText, omsConnection, TestBot } from '../../harness/test-bot.js';

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
const READING = startedForReading();
/** Every subcommand a bot answers but help: the core's, then its capabilities'. */
const SUBCOMMANDS = allSubcommands(READING).slice(1);

// Issue #13, "Help and the terminal": short help fits the person (what they can run, examples that
// run here), `help all` for the rest, admin commands not shown as runnable to a viewer.
const VIEWER = 'U0VIEW002';
const t = new TestBot();

beforeAll(async () => {
  await t.start();
  t.oms.addTask({ id: '600100000000001', name: 'help-example', status: 2 });
  await t.ask('list'); // the index now knows a real id
});
afterAll(async () => {
  await t.stop();
});

describe('/migrate help', () => {
  it('shows a viewer a short first screen: what runs here, and buttons for the common actions', async () => {
    // Issue 39: it was a three-screen wall of every command with an example each.
    const answer = await t.ask('help', { userId: VIEWER });
    const text = messageText(answer);
    expect(text).toContain('You are *viewer* here');
    expect(text).toMatch(/\/migrate status 6001/);
    expect(text).toContain('/migrate explain TRF.0015');
    for (const notRunnable of ['/migrate pause', '/migrate connect', '/migrate create', '/migrate access'])
      expect(text).not.toContain(notRunnable);
    expect(text).toContain('/migrate help all');
    const blocks = answer.blocks as { type: string; text?: { text: string } }[];
    expect(blocks.length).toBeLessThanOrEqual(5);
    expect(blocks.find((b) => b.type === 'section')!.text!.text.split('\n').length).toBeLessThanOrEqual(4);
    expect(buttons(answer).map((b) => b.text)).toEqual(['What failed', 'What is running', 'All commands']);
  });

  it('shows an admin every button, and never a live id beside a command that acts at once', async () => {
    const answer = await t.ask('help');
    const text = messageText(answer);
    expect(text).toContain('You are *admin* here');
    expect(buttons(answer).map((b) => b.action_id)).toEqual([
      'help.run.failed',
      'help.run.running',
      'help.run.create',
      'help.run.connect',
      'help.run.all',
    ]);
    expect(text).toContain('/migrate pause &lt;id&gt;');
    expect(text).not.toMatch(/\/migrate (pause|resume|watch|retry|delete) \d/);
  });

  it('its buttons run what they say, asking the policy, and a form opens with the click', async () => {
    const failed = await t.click('help.run.failed', 'failed', { userId: VIEWER });
    expect(messageText(await failed.answer())).toMatch(/failed|No migrations/i);
    const opened = t.fakeSlack.callsTo('views.open').length;
    await t.click('help.run.create', 'create');
    await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.open')[opened]);
    // A viewer who sends the admin's button anyway is refused by the policy, not by the screen.
    const forged = await t.click('help.run.connect', 'connect', { userId: VIEWER });
    expect(messageText(await forged.answer())).toMatch(/admin/);
    expect(t.fakeSlack.callsTo('views.open').length).toBe(opened + 1);
  });

  it('names only this workspace’s connections in its examples', async () => {
    const other = new TestBot();
    await other.start({ connections: (url) => [omsConnection('obs-eu', url)] });
    try {
      const text = messageText(await other.ask('help all', { userId: VIEWER }));
      expect(text).toContain('/migrate list obs-eu running');
      expect(text).not.toContain('hw-prod');
    } finally {
      await other.stop();
    }
  });

  it('`help all` lists every command, marking those the reader cannot run', async () => {
    const text = messageText(await t.ask('help all', { userId: VIEWER }));
    expect(text).toMatch(/\/migrate pause &lt;id&gt;`[^•]*needs operator/);
    expect(text).toMatch(/\/migrate disconnect[^•]*needs admin/);
    expect(text).toMatch(/\/migrate list[^•]*—/);
    expect(text).not.toMatch(/\/migrate list [^•]*needs/);
  });

  it('marks each command with the role its definition declares, and nothing else', async () => {
    // Issue #38: the role is declared once, on the subcommand (`needs`), not in a table in help.
    const text = messageText(await t.ask('help all', { userId: VIEWER }));
    const lines = text.split('•').map((line) => line.trim());
    for (const s of SUBCOMMANDS) {
      const line = lines.find((l) => l.startsWith(code(s.usage)));
      expect(line, s.name).toBeDefined();
      const needs = / _\(needs (\w+)\)_/.exec(line!)?.[1];
      expect(needs, s.name).toBe(s.needs === 'view' ? undefined : REQUIRED_ROLE[s.needs]);
    }
  });
});
