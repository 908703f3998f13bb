import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Subscriptions } from '../../../src/capabilities/subscriptions/following.js';
import { subscriptions as following } from '../../../src/capabilities/subscriptions/index.js';
import { SubscriptionStore } from '../../../src/capabilities/subscriptions/subscriptions.js';
import { STEP_CALLBACKS } from '../../../src/capabilities/workflow-steps/step-definitions.js';
import { subcommandNames } from '../../../src/slack/listeners/commands/subcommands/index.js';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { WatchStore } from '../../../src/watcher/records/watch-store.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import {
  blockSuggestionBody,
  Interactions,
  shortcutBody,
  viewSubmissionBody,
} from '../../harness/interactions.js';
import { prefixDetails } from '../../harness/request-details.js';
import { FORM, newTriggerId, postSigned } from '../../harness/slack-requests.js';
import { startedForReading, stateIn } from '../../harness/started-capabilities.js';
import { omsConnection, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
const READING = startedForReading();

/**
 * Issue 36, item 4, the seam: every entry point the app registers (each `/migrate` subcommand,
 * button, view, suggestion, shortcut, event and workflow step) is driven at the caps, and every
 * watch or subscription record that comes into the store must have been written by the guarded
 * method (WatchStore.create, SubscriptionStore.put), never past a cap. The entry points come from
 * the app's own registrations (the registry records them here), so a listener added later is driven
 * too; one that writes a watch another way, or adds past a cap, fails this test.
 */

const registered = vi.hoisted(() => [] as { surface: string; pattern: unknown }[]);
vi.mock('../../../src/slack/listeners/router.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/slack/listeners/router.js')>();
  class RecordingRegistry extends original.ListenerRegistry {
    constructor(...args: ConstructorParameters<typeof original.ListenerRegistry>) {
      super(...args);
      const routes = this.routes as unknown as Record<
        string,
        (pattern: unknown, ...rest: unknown[]) => unknown
      >;
      for (const [surface, register] of Object.entries(routes))
        routes[surface] = (pattern, ...rest) => {
          registered.push({ surface, pattern });
          return register(pattern, ...rest);
        };
    }
  }
  return { ...original, ListenerRegistry: RecordingRegistry };
});

const TEAM = 'T0FAKE001';
const ADMIN = 'U0ALICE01';
const OPERATOR = 'U0OPER036';
const [HOME, ELSEWHERE, APPROVALS] = ['C0SEAM001', 'C0SEAM002', 'C0SEAMAPP'];
const DETAILS = prefixDetails();
const t = new TestBot();
const ix = new Interactions(t);
/** Set while a guarded method runs: a record written outside it was not counted. */
const guarded = new AsyncLocalStorage<string>();
const made: { key: string; by?: string }[] = [];

beforeAll(async () => {
  await t.start({
    env: {
      POLL_INTERVAL_SECONDS: '0',
      MAX_WATCHES_PER_WORKSPACE: '1',
      MAX_SUBSCRIPTIONS_PER_WORKSPACE: '1',
      MAX_CHANNELS_PER_CONNECTION: '1',
    },
    connections: (url) => [omsConnection('hw-prod', url)],
    watcher: { recheckAfterMs: [] },
  });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
  for (const [Store, method] of [
    [WatchStore, 'create'],
    [SubscriptionStore, 'put'],
  ] as const) {
    const proto = Store.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = proto[method]!;
    vi.spyOn(proto, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
      return guarded.run(`${Store.name}.${method}`, () => original.apply(this, args));
    });
  }
  // Every record write under the watcher: which watch and subscription records came to be, and where.
  const backend = t.bot.deps.watcher.store.backend;
  const update = backend.update.bind(backend);
  backend.update = (key, fn, assumed) =>
    update(
      key,
      (current) => {
        const next = fn(current);
        if (current === undefined && typeof next === 'string' && /^(w|sub):/.test(key))
          made.push({ key, by: guarded.getStore() });
        return next;
      },
      assumed,
    );
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.stop();
});

const watches = async () => (await t.bot.deps.watcher.list(TEAM)).length;
const subscriptions = async () =>
  (await stateIn<Subscriptions>(t.bot.deps, following).store.list(TEAM)).length;

/**
 * Waits for the answer on `responseId`, a short while: most of these requests are refused at once.
 * A request answered another way (a modal, an event) gets half a second.
 */
async function settle(responseId?: string): Promise<void> {
  await t.fakeSlack
    .waitFor(
      () => (responseId ? t.fakeSlack.responsesTo(responseId).length > 0 : false),
      responseId ? 1_500 : 500,
    )
    .catch(() => undefined);
}

/** One string that a registration's pattern (a name, or a RegExp) matches. */
function sample(pattern: unknown): string {
  if (typeof pattern === 'string') return pattern;
  if (!(pattern instanceof RegExp)) {
    const { action_id, callback_id } = pattern as { action_id?: unknown; callback_id?: unknown };
    return sample(action_id ?? callback_id);
  }
  const re = pattern;
  const candidate = re.source
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replace(/\((?:\?:)?([^|)]*)(?:\|[^)]*)?\)/g, '$1')
    .replace(/\[a-z\][+*]?/g, 'a')
    .replace(/\\(.)/g, '$1');
  expect(re.test(candidate), `no sample for ${re}: teach sample() this pattern`).toBe(true);
  return candidate;
}

describe('every entry point that can add a watch or a subscription passes the caps', () => {
  it('at the caps, no registered listener adds one, and each that came to be was written by the guarded method', async () => {
    const task = (name: string) => t.oms.addTask({ name, status: 2 }).id;
    await t.ask(`watch hw-prod:${task('kept')} <#${HOME}|home>`, { userId: OPERATOR });
    await t.ask(`subscribe hw-prod <#${HOME}|home>`, { userId: OPERATOR });
    expect([await watches(), await subscriptions()]).toEqual([1, 1]);
    const other = task('other');
    const otherButton = encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: other });
    const where = `<#${ELSEWHERE}|elsewhere>`;
    const surfaces = new Set(registered.map((r) => r.surface));
    // The app registers on these surfaces; a new one needs a way to be driven below.
    expect([...surfaces].sort()).toEqual([
      'action',
      'command',
      'event',
      'function',
      'options',
      'shortcut',
      'view',
    ]);

    const checked: string[] = [];
    const check = async (entry: string) => {
      checked.push(entry);
      expect(await watches(), `${entry} added a watch past the cap`).toBeLessThanOrEqual(1);
      expect(await subscriptions(), `${entry} added a subscription past the cap`).toBeLessThanOrEqual(1);
    };
    const order = ['command', 'function', 'action', 'view', 'options', 'shortcut', 'event'];
    const entries = [...registered].sort((a, b) => order.indexOf(a.surface) - order.indexOf(b.surface));
    for (const { surface, pattern } of entries) {
      const id = sample(pattern);
      if (surface === 'command') {
        for (const name of subcommandNames(READING))
          for (const args of [`hw-prod:${other} ${where}`, `hw-prod all ${where}`, `${other}`]) {
            const { responseId } = await t.command(`${name} ${args}`, {
              userId: ADMIN,
              channelId: ELSEWHERE,
            });
            await settle(responseId);
            await check(`${id} ${name} ${args}`);
          }
      } else if (surface === 'function') {
        const inputs = {
          user_context: { id: OPERATOR, secret: 'c2VjcmV0' },
          migration: `hw-prod:${other}`,
          connection: 'hw-prod',
          kind: 'task',
          channel_id: ELSEWHERE,
          details: DETAILS,
        };
        await (await t.runStep(id, inputs)).settled(3_000).catch(() => undefined);
        await check(`step ${id}`);
      } else if (surface === 'action') {
        const click = await t.click(id, otherButton, { userId: ADMIN, channelId: ELSEWHERE });
        await settle(click.responseId);
        await check(`button ${id}`);
      } else {
        const shown = {
          id: 'V0SEAM001',
          hash: 'h',
          view: { type: 'modal', callback_id: id, blocks: [], private_metadata: '' },
          method: 'views.open',
          call: { method: 'views.open', body: {}, at: 0 },
        };
        const body =
          surface === 'view'
            ? viewSubmissionBody(shown, {}, { userId: ADMIN })
            : surface === 'options'
              ? blockSuggestionBody(shown, id, 'x', {}, { userId: ADMIN })
              : surface === 'shortcut'
                ? shortcutBody(id, newTriggerId(), { userId: ADMIN })
                : undefined;
        if (body) await postSigned(t.eventsUrl, SIGNING_SECRET, body, FORM);
        else if (id === 'app_uninstalled' || id === 'tokens_revoked') {
          // The app leaving deletes the workspace's data (and the state the next test starts from):
          // it adds nothing, so it is counted as checked without being sent.
          checked.push(`event ${id} (removes, never adds)`);
          continue;
        } else await t.event({ type: id, user: ADMIN, channel: ELSEWHERE, tab: 'home' });
        await settle();
        await check(`${surface} ${id}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(registered.length);
    await settle();
    await check('the end of the sweep');
    // Whatever came to be was written inside WatchStore.create or SubscriptionStore.put.
    expect(made.filter((m) => m.by === undefined)).toEqual([]);
    expect(made.map((m) => m.by)).toEqual(['WatchStore.create', 'SubscriptionStore.put']);
  }, 180_000);
});

describe('a resource created after approval is watched through the same cap', () => {
  it('at the watches cap the new resource is not watched; its requester is told privately', async () => {
    expect(await watches()).toBe(1);
    await t.ask(`access grant <@U0APPR036|appr> approver`);
    const since = t.fakeSlack.calls.length;
    const inputs = {
      user_context: { id: OPERATOR, secret: 'c2VjcmV0' },
      connection: 'hw-prod',
      kind: 'task',
      channel_id: ELSEWHERE,
      details: DETAILS,
    };
    const run = await t.runStep(STEP_CALLBACKS.request, inputs);
    const request = await postedApproval(t, { team: TEAM, channel: APPROVALS }, since);
    const tasksBefore = t.oms.tasks.size;
    expect(await decideApproval(t, ix, { ...request, channel: APPROVALS }, 'approve', 'U0APPR036')).toContain(
      'Approved. Created',
    );
    await run.settled();
    expect(t.oms.tasks.size).toBe(tasksBefore + 1);
    expect(await watches()).toBe(1);
    const warned = await t.fakeSlack.waitFor(() =>
      t.logs.lines.find((l) => l.includes('could not watch the new resource')),
    );
    expect(warned).toContain('MAX_WATCHES_PER_WORKSPACE');
    // No card beside the watcher's (the one writer of a channel's resource posts): a DM says why.
    const told = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.calls
        .slice(since)
        .find(
          (c) =>
            c.method === 'chat.postMessage' &&
            c.body.channel === OPERATOR &&
            String(c.body.text).includes('is not watched'),
        ),
    );
    const id = /\/migrate watch hw-prod:(\d+)/.exec(String(told.body.text))?.[1];
    expect(id, String(told.body.text)).toBeDefined();
    const inChannel = t.fakeSlack.calls
      .slice(since)
      .filter(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.body.channel === ELSEWHERE &&
          JSON.stringify(c.body).includes(id!),
      );
    expect(inChannel).toEqual([]);
  });
});
