import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED_ROLE } from '../../../src/access/roles.js';
import { generateKey } from '../../../src/crypto/secret-box.js';
import { MESSAGES } from '../../../src/i18n/translator.js';
import { code } from '../../../src/slack/blocks/mrkdwn.js';
import { relatedToHelp } from '../../../src/slack/listeners/commands/subcommands/help.js';
import {
  allSubcommands,
  findSubcommand,
  subcommandNames,
} from '../../../src/slack/listeners/commands/subcommands/index.js';
import { startedForReading } from '../../harness/started-capabilities.js';
import { messageText, TestBot } from '../../harness/test-bot.js';

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
const READING = startedForReading();
/** Every subcommand a bot answers but help: the core's, then its capabilities'. */
const SUBCOMMANDS = allSubcommands(READING).slice(1);

/**
 * Issue #51, item 8: `/migrate help pause` gave the general help. Help for one subcommand shows its
 * syntax, an example that runs in this workspace (its connection, the start of one of its ids, in a
 * state the command applies to), who may use it, and related subcommands: for every subcommand.
 */
const VIEWER = 'U0VIEW051';
const KOREAN = 'U0KOREA08';
const t = new TestBot();
const RUNNING = '600100000000001';
const PAUSED = '610200000000001';
const FAILED = '620300000000001';
/** Every subcommand, help itself included. */
const ALL = [findSubcommand('help')!, ...SUBCOMMANDS];

beforeAll(async () => {
  // An encryption key: the connect form opens (admins add connections from Slack).
  // Evidence needs a signing key: with none, `help evidence`'s example would be refused for that.
  await t.start({
    env: {
      MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${generateKey()}`,
      MIGRATE_BOT_EVIDENCE_KEYS: `k1:${generateKey()}`,
    },
  });
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
  t.oms.addTask({ id: RUNNING, name: 'running-one', status: 2, totalSize: 1024 ** 4 });
  t.oms.addTask({ id: PAUSED, name: 'paused-one', status: 3 });
  t.oms.addTask({ id: FAILED, name: 'failed-one', status: 4 });
  t.oms.addTask({ id: '630500000000001', name: 'done-one', status: 5 });
  t.oms.addTaskGroup({ status: 2, src: { bucket: 'grouped-src' } });
  t.oms.addSyncTask({ status: 'SYNCHRONIZING', src_bucket: 'sync-src' });
  // The resource index now knows this workspace's ids, as after anyone's list (a loaded machine may
  // first get "not answering yet": the list is done once its answer names the running task).
  const { responseId } = await t.command('list');
  await t.fakeSlack.waitFor(() =>
    t.fakeSlack.responsesTo(responseId).some((p) => JSON.stringify(p.body).includes(RUNNING)),
  );
});
afterAll(async () => {
  await t.stop();
});

/** The topic's one section of lines, split by label (a command's forms stay with its syntax line). */
function topicLines(answer: Record<string, unknown>): string[] {
  const blocks = answer.blocks as { type: string; text?: { text: string } }[];
  const lines: string[] = [];
  for (const line of blocks.filter((b) => b.type === 'section')[1]!.text!.text.split('\n'))
    if (line.startsWith('• ') && lines.length > 0) lines[lines.length - 1] += `\n${line}`;
    else lines.push(line);
  return lines;
}

describe('/migrate help <subcommand>', () => {
  it('`help pause`: syntax, an example naming a running migration here, who may use it, related', async () => {
    const answer = await t.ask('help pause');
    const text = messageText(answer);
    expect(text).toContain('"text":"/migrate pause"');
    expect(text).toContain('Pause a running migration.');
    const [syntax, example, who, related] = topicLines(answer);
    expect(syntax).toBe('*Syntax:* `/migrate pause &lt;id&gt;` (also `stop`)');
    // The shortest unique start of a migration that is running (the task, or one of the group's).
    const named = /^\*Example:\* `\/migrate pause (\d{4,})`$/.exec(example!)?.[1];
    expect(named, example).toBeDefined();
    expect(messageText(await t.ask(`status ${named}`))).toContain('Migrating');
    expect(who).toBe('*Who can use it:* operator, approver, and admin. You are *admin*, so you can.');
    expect(related).toBe('*Related:* `resume` · `status` · `watch`');
    expect(text).not.toContain('What failed');
  });

  it('tells a viewer they cannot, and how an admin grants it', async () => {
    const [, , who] = topicLines(await t.ask('help resume', { userId: VIEWER }));
    expect(who).toContain(
      'You are *viewer*: an admin can grant you *operator* with `/migrate access grant @you operator`.',
    );
  });

  it('knows aliases, and answers a typo with “did you mean”, once', async () => {
    expect(messageText(await t.ask('help stop'))).toContain('"text":"/migrate pause"');
    const typo = await t.ask('help pase');
    expect(typo.blocks).toBeUndefined();
    expect(String(typo.text)).toBe(
      ':warning: `/migrate help` knows no command `pase`. Did you mean `pause`, as in `/migrate help pause`?',
    );
  });

  it.each(ALL.map((s) => [s.name, s] as const))(
    '`help %s` has its syntax, a working example, its role and related commands',
    async (name, s) => {
      const answer = await t.ask(`help ${name}`);
      const text = messageText(answer);
      expect(text).toContain(`"text":"/migrate ${name}"`);
      const [syntax, example, who, related] = topicLines(answer);
      for (const form of s.forms) expect(syntax).toContain(code(form));
      expect(example).toMatch(new RegExp(`^\\*Example:\\* \`/migrate ${name}\\b`));
      // A real connection and id where the command takes one (this workspace has no Slack-added
      // connection to name in `disconnect`).
      if (name !== 'disconnect') expect(example).not.toContain('&lt;');
      // Where it takes a connection (`[connection]`, `<connection>`), it names this workspace's.
      if (/[[<|]connection\b/.test(s.usage)) expect(example).toContain('hw-prod');
      expect(who).toMatch(new RegExp(`^\\*Who can use it:\\* ${REQUIRED_ROLE[s.needs]}\\b`));
      // Help relates to the running bot's capabilities' first lines too (`relatedToHelp`).
      const named = name === 'help' ? relatedToHelp(SUBCOMMANDS) : s.related;
      expect(related).toBe(`*Related:* ${named.map((r) => code(r)).join(' · ')}`);
    },
  );

  // Issue 59 item 5: `help window` showed only `add`; `list`, `remove <id>` and `skip <id>` were
  // missing. Every form a subcommand registers (its parser picks forms from that list) is shown.
  it.each(ALL.map((s) => [s.name, s] as const))(
    '`help %s` lists every form its command takes',
    async (name, s) => {
      const [syntax] = topicLines(await t.ask(`help ${name}`));
      const shown = syntax!.split('\n').filter((line) => line.startsWith('• '));
      if (s.forms.length === 1) {
        expect(shown, name).toEqual([]);
        expect(syntax).toContain(code(s.forms[0]!));
      } else expect(shown, name).toEqual(s.forms.map((form) => `• ${code(form)}`));
    },
  );

  it('`help window`: list, add, remove and skip, and where the id they take comes from', async () => {
    const answer = await t.ask('help window');
    const [syntax] = topicLines(answer);
    expect(syntax!.split('\n')).toEqual([
      '*Forms:* (also `windows`)',
      '• `/migrate window list [target]`',
      '• `/migrate window add &lt;target&gt; &lt;days&gt; &lt;HH:MM&gt;-&lt;HH:MM&gt; [time zone] [pause | limit &lt;N&gt; MB/s] [as &lt;name&gt;]`',
      '• `/migrate window remove &lt;id&gt;`',
      '• `/migrate window skip &lt;id&gt;`',
    ]);
    expect(messageText(answer)).toContain(
      '`/migrate window list` shows each window with its id (such as `w1a2b3c`), which `remove` and `skip` take.',
    );
    // The forms are the parser's: each one it lists is taken, and a word it does not list is not.
    const window = findSubcommand('window', READING)!;
    for (const typed of [['list'], [], ['remove', 'w1a2b3c'], ['delete', 'w1a2b3c'], ['skip', 'w1a2b3c']])
      expect(() => window.check(typed, false), typed.join(' ')).not.toThrow();
    expect(() => window.check(['pause', 'w1a2b3c'], false)).toThrow(/window list \[target\]/);
  });

  it('every subcommand relates only to subcommands that exist, and has a summary in every language', () => {
    const names = new Set(subcommandNames(READING));
    for (const s of SUBCOMMANDS) {
      expect(s.related.length, s.name).toBeGreaterThan(0);
      for (const r of s.related) expect(names.has(r), `${s.name} → ${r}`).toBe(true);
      // A capability's summary may be in its own words (`words/<locale>.json` in its folder).
      for (const locale of ['en', 'ko', 'zh-CN'] as const)
        expect(
          { ...MESSAGES[locale], ...s.words?.[locale] }[`help.summary.${s.name}`],
          `${locale} ${s.name}`,
        ).toBeDefined();
    }
  });

  it('reads in Korean for a ko-KR person, with the example and role words kept', async () => {
    const answer = await t.ask('help retry', { userId: KOREAN });
    const text = messageText(answer);
    expect(text).toContain('실패한 객체만 다시 시작합니다');
    const [syntax, example, who] = topicLines(answer);
    expect(syntax).toBe('*형식:* `/migrate retry &lt;id&gt;`');
    expect(example).toMatch(/^\*예:\* `\/migrate retry 6203\d*`$/);
    expect(who).toContain('내 역할: *viewer* (사용할 수 없습니다.');
  });
});

describe('each example runs here as shown', () => {
  /** Replies that refuse what was typed: not understood, not found, not allowed. */
  const REFUSED = /^:(warning|mag|no_entry|x):/;

  it.each(ALL.map((s) => s.name))('`help %s`’s example', async (name) => {
    const [, example] = topicLines(await t.ask(`help ${name}`));
    const line = /`\/migrate ([^`]+)`/.exec(example!)![1]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>');
    if (name === 'disconnect') {
      // No connection here was added from Slack: the example says where the name goes.
      expect(line).toBe('disconnect <name>');
      return;
    }
    if (name === 'create' || name === 'connect') {
      // These open a form in a modal, and say nothing in the channel.
      const opened = t.fakeSlack.callsTo('views.open').length;
      await t.command(line);
      await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.open')[opened]);
      return;
    }
    const answer = await t.ask(line);
    if (name === 'keep-sync' || name === 'cutover') {
      // It keeps only a migration that succeeded and has a card; none here: understood, then refused for that.
      expect(String(answer.text), line).toMatch(/only a migration (that|whose copy) succeeded|has no card/);
      return;
    }
    expect(String(answer.text), line).not.toMatch(REFUSED);
  });
});
