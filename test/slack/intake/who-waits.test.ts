import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_CALLBACKS } from '../../../src/capabilities/workflow-steps/step-definitions.js';
import { BACKGROUND_REQUESTS_PER_PROVIDER } from '../../../src/providers/http/http-client.js';
import { ConnectBot, STORED } from '../../harness/connect-bot.js';
import { Interactions, type ShownView, ViewTracker } from '../../harness/interactions.js';
import { omsConnection } from '../../harness/test-bot.js';

/**
 * The watcher's calls to a provider share its background lanes (two on the wire at once); a person
 * never waits for them. Here the watcher holds every OMS lane: its two watched connections live on
 * a simulator that holds every request. Meanwhile the paths a person waits on, against another OMS
 * endpoint that answers at once, must answer as if the watcher were idle: the connect form's check,
 * the create form's bucket picker, App Home and a Workflow Builder step. Before the purpose was said
 * explicitly, these ran outside the interactive scope and queued behind the held lanes until their
 * budgets ran out. The watched connections belong to another workspace, so that nothing a person
 * asks for here lists them.
 */
const WATCHING_TEAM = 'T0TEAMB01';
const c = new ConnectBot();
const t = c.t;
const ix = new Interactions(t);
let views: ViewTracker;
let form: ShownView;
let cycle: Promise<unknown>;
let freeTask = '';
/** The held simulator's request count when the watcher's cycle began. */
let heldFrom = 0;

/** A file connection on the connect bot's own (free) OMS simulator, with the keys it accepts. */
function freeConnection() {
  return omsConnection('hw-free', c.oms.url, {
    projectId: STORED.omsProjectId,
    auth: { type: 'aksk', accessKey: STORED.omsAk, secretKey: STORED.omsSk },
  });
}

beforeAll(async () => {
  await c.start({
    connections: (heldUrl) => [
      omsConnection('hw-a', heldUrl, { team: WATCHING_TEAM }),
      omsConnection('hw-b', heldUrl, { team: WATCHING_TEAM }),
      omsConnection('hw-c', heldUrl, { team: WATCHING_TEAM }),
      freeConnection(),
    ],
    env: { POLL_INTERVAL_SECONDS: '0' },
  });
  views = new ViewTracker(t.fakeSlack);
  freeTask = c.oms.addTask({ name: 'free-running', status: 2 }).id;
  const watched = t.oms.addTask({ name: 'watched-task', status: 2 }).id;
  for (const name of ['hw-a', 'hw-b', 'hw-c'])
    expect(JSON.stringify(await t.ask(`watch ${name}:${watched}`, { teamId: WATCHING_TEAM }))).toContain(
      'watched-task',
    );
  // The create form is open before the lanes fill: only its bucket picker is under test.
  const before = views.shown.length;
  await t.command('create hw-free task');
  form = await t.fakeSlack.waitFor(() =>
    views.shown
      .slice(before)
      .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
  );

  t.oms.faults.configure({ hold: true });
  heldFrom = t.oms.server.requestCount;
  cycle = t.bot.deps.watcher.runCycle();
  // One poll per watched connection, three of them: both of the provider's lanes are on the wire, held.
  await t.fakeSlack.waitFor(
    () => t.oms.server.requestCount - heldFrom >= BACKGROUND_REQUESTS_PER_PROVIDER || undefined,
    10_000,
  );
}, 60_000);

afterAll(async () => {
  t.oms.faults.configure({ hold: false });
  await cycle;
  views?.stop();
  await c.stop();
});

describe('a person never waits for the watcher’s lanes', () => {
  it('checks the credentials of the connect form while the watcher holds every lane', async () => {
    const held = t.oms.server.requestCount;
    const view = await c.openConnect();
    const ack = await c.submit(view, c.omsValues('hw-new'));
    // Within the form's 2 s check budget: tested and saved in the ack, not "testing…" then later.
    expect(JSON.stringify(ack.body)).toContain('Tested and saved');
    // The watcher's lanes were still held throughout: nothing else reached the held simulator.
    expect(t.oms.server.requestCount).toBe(held);
  });

  it('lists the buckets of the create form’s picker while the watcher holds every lane', async () => {
    const res = await ix.suggest(form, 'create.src_bucket', '', { src_cloud: 'AWS' });
    expect(res.status).toBe(200);
    const options = (res.body?.options ?? []) as { value: string }[];
    expect(options.map((o) => o.value)).toEqual(['src-bucket']);
  });

  it('shows App Home’s answering connection while the watcher holds every lane', async () => {
    const before = t.fakeSlack.callsTo('views.publish').length;
    await t.event({ type: 'app_home_opened', user: 'U0ALICE01', channel: 'D0001', tab: 'home' });
    const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[before], 10_000);
    const text = JSON.stringify((call.body.view as { blocks?: unknown }).blocks);
    expect(text).toContain(':large_green_circle: `hw-free`');
    expect(text).toContain('free-running');
  });

  it('runs a Workflow Builder step while the watcher holds every lane', async () => {
    const run = await t.runStep(STEP_CALLBACKS.status, {
      user_context: { id: 'U0ALICE01', secret: 'c2VjcmV0' },
      migration: `hw-free:${freeTask}`,
    });
    // Well before the held requests' 15 s read timeout would free a lane.
    const done = await run.settled(5_000);
    expect(done).toMatchObject({ status: 'completed', outputs: { name: 'free-running', state: 'running' } });
  });

  it('kept the watcher to its lanes meanwhile: the third watched connection still waits for one', () => {
    expect(t.oms.server.requestCount - heldFrom).toBe(BACKGROUND_REQUESTS_PER_PROVIDER);
  });
});
