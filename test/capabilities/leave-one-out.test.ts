import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { OMS_TASK_FORM } from '../harness/approval-requests.js';
import { Interactions, type ShownView, ViewTracker } from '../harness/interactions.js';
import { partsOf } from '../harness/started-capabilities.js';
import { messageText, TestBot } from '../harness/test-bot.js';
import { withDependents } from '../layout/capability-needs.js';

/**
 * Issue 75 item 3: each capability folder can go. The bot starts with each capability left out
 * in turn, with those that need it, and a small smoke of that configuration runs through signed
 * requests: help, a status card, a request to create a migration and Home. One bot per
 * configuration, a few requests each.
 */
const ADMIN = 'U0ALICE01';
const CHANNEL = 'C0FAKE001';

/** Error-level lines the bot logged. */
const errorLines = (t: TestBot) => t.logs.lines.filter((l) => /"level":(?:50|60|"error"|"fatal")/.test(l));

/** A subcommand's line in `help all`: `/migrate <name>` not followed by more of a name. */
const listed = (help: string, name: string) =>
  new RegExp(`/migrate ${name.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}(?![\\w-])`).test(help);

async function smoke(t: TestBot, out: readonly string[]): Promise<void> {
  const approvals = !out.includes('approvals');
  // Help says the commands of the capabilities there, and none of those left out.
  const help = messageText(await t.ask('help all'));
  for (const c of CAPABILITIES)
    for (const s of partsOf(c).commands?.subcommands ?? [])
      expect(listed(help, s.name), `${c.name}: /migrate ${s.name}`).toBe(!out.includes(c.name));

  const task = t.oms.addTask({ name: 'left-alone', status: 2 });
  const card = messageText(await t.ask(`status ${task.id}`));
  expect(card).toContain('left-alone');

  const views = new ViewTracker(t.fakeSlack);
  try {
    const before = views.shown.length;
    const { http } = await t.command('create hw-prod task', { userId: ADMIN, channelId: CHANNEL });
    expect(http.status).toBe(200);
    const form = await t.fakeSlack.waitFor(() =>
      views.shown
        .slice(before)
        .find((v: ShownView) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
    );
    const since = t.fakeSlack.calls.length;
    const submitted = await new Interactions(t).submit(form, OMS_TASK_FORM, { userId: ADMIN });
    expect(submitted.status).toBe(200);
    await t.settled();
    const posted = t.fakeSlack.calls
      .slice(since)
      .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.postEphemeral')
      .map((c) => messageText(c.body));
    // Without the approvals nobody decides a request: the requester is told so, nothing is posted.
    if (approvals) expect(posted.join('\n')).toMatch(/Approve: new/);
    else expect(posted).toEqual([expect.stringContaining('runs without its approvals')]);
  } finally {
    views.stop();
  }

  const published = t.fakeSlack.callsTo('views.publish').length;
  const home = await t.event({ type: 'app_home_opened', user: ADMIN, channel: 'D0001', tab: 'home' });
  expect(home.status).toBe(200);
  const view = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[published]);
  expect(JSON.stringify(view.body.view)).toContain('/migrate');

  // The operations port counts what is there (the requests waiting: none without the approvals).
  const metrics = await fetch(`${t.metricsUrl}/metrics`);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain('migrate_bot_');
}

describe('the bot with one capability left out (and those that need it)', () => {
  it.each(CAPABILITIES.map((c) => c.name))(
    'without %s: help, a status card, a create request, Home',
    async (name) => {
      const out = withDependents([name]);
      const t = new TestBot();
      await t.start({ leaveOut: [name], env: { POLL_INTERVAL_SECONDS: '0' } });
      try {
        // The bot leaves out those that need it too, from their declared `needs`.
        expect(t.bot.deps.capabilities.names()).toEqual(
          CAPABILITIES.map((c) => c.name).filter((n) => !out.includes(n)),
        );
        await smoke(t, out);
        expect(errorLines(t)).toEqual([]);
      } finally {
        await t.stop();
      }
    },
  );
});
