import { afterAll, beforeAll, expect } from 'vitest';
import { OMS_TASK_FORM, postedApproval } from '../../harness/approval-requests.js';
import { Interactions, type ShownView, ViewTracker } from '../../harness/interactions.js';
import { TestBot } from '../../harness/test-bot.js';

export const TEAM = 'T0FAKE001';
/** Where the create commands are typed. */
export const ASKED_IN = 'C0FAKE001';
/** The approvals channel the rig sets (`settings approvals`). */
export const APPROVALS = 'C0APPROVE';

type StartOptions = NonNullable<Parameters<TestBot['start']>[0]>;

export interface ApprovalsBot {
  /** Who is granted which role, in order, once the bot is up. */
  roles: Readonly<Record<string, 'operator' | 'approver'>>;
  /** Sets `APPROVALS` as the approvals channel (the default). */
  approvalsChannel?: boolean;
  locales?: Readonly<Record<string, string>>;
  start?: Omit<StartOptions, 'env'>;
  /** Run once the bot is up, before the roles are granted. */
  ready?: (t: TestBot) => void;
}

/**
 * A bot driven by hand (no watcher ticks) with the create form's views tracked, started before
 * the file's tests and stopped after them, and the steps every approvals test takes to ask.
 */
export function approvalsBot(w: ApprovalsBot) {
  const t = new TestBot();
  const ix = new Interactions(t);
  const views = new ViewTracker(t.fakeSlack);
  beforeAll(async () => {
    await t.start({ ...w.start, env: { POLL_INTERVAL_SECONDS: '0' } });
    w.ready?.(t);
    for (const [user, role] of Object.entries(w.roles))
      await t.ask(`access grant <@${user}|${role.slice(0, 4)}> ${role}`);
    for (const [user, locale] of Object.entries(w.locales ?? {})) t.fakeSlack.locales.set(user, locale);
    if (w.approvalsChannel !== false) await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
  }, 60_000);
  afterAll(async () => {
    views.stop();
    await t.stop();
  });

  /** `/migrate create hw-prod <what>` as `userId`: the form, once the bot has drawn it. */
  async function openForm(what: 'task' | 'group', userId: string): Promise<ShownView> {
    const before = views.shown.length;
    await t.command(`create hw-prod ${what}`, { userId, channelId: ASKED_IN });
    return t.fakeSlack.waitFor(() =>
      views.shown
        .slice(before)
        .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
    );
  }

  /** An OMS task asked for through the form as `userId`, `title` typed as its description. */
  async function requestTask(title: string, userId: string) {
    const form = await openForm('task', userId);
    const since = t.fakeSlack.calls.length;
    const res = await ix.submit(form, { ...OMS_TASK_FORM, description: title }, { userId });
    expect(res.status).toBe(200);
    const request = await postedApproval(t, { team: TEAM, channel: APPROVALS }, since);
    return { ...request, since };
  }

  /** Everything the request sets off (the requester's notice, the approvers' messages) has gone out. */
  const approversTold = (id: string) =>
    t.fakeSlack.waitFor(() =>
      t.logs.lines.some((l) => l.includes('approvers told of a new request') && l.includes(id)),
    );

  return { t, ix, views, openForm, requestTask, approversTold };
}
