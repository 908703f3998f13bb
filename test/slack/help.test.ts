import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED_ROLE } from '../../src/access/roles.js';
import { code } from '../../src/slack/blocks/mrkdwn.js';
import { SUBCOMMANDS } from '../../src/slack/listeners/commands/subcommands/index.js';
import { messageText, TestBot } from '../harness/test-bot.js';

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
  it('shows a viewer what a viewer can run, with examples from this workspace', async () => {
    const text = messageText(await t.ask('help', { userId: VIEWER }));
    expect(text).toContain('You are *viewer* here');
    expect(text).toContain('/migrate list hw-prod failed');
    expect(text).toMatch(/\/migrate status 6001/);
    for (const runnable of ['/migrate list', '/migrate status', '/migrate explain'])
      expect(text).toContain(runnable);
    for (const notRunnable of ['/migrate pause', '/migrate connect', '/migrate create', '/migrate access'])
      expect(text).not.toContain(notRunnable);
    expect(text).toContain('/migrate help all');
  });

  it('shows an admin the admin commands', async () => {
    const text = messageText(await t.ask('help'));
    expect(text).toContain('You are *admin* here');
    for (const cmd of ['/migrate pause', '/migrate create', '/migrate connect', '/migrate access'])
      expect(text).toContain(cmd);
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
