import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subcommandNames } from '../../../src/slack/listeners/commands/subcommands/index.js';
import { SLACK_NOTICES } from '../../../src/slack/listeners/events/index.js';
import { registerRoutes } from '../../../src/slack/listeners/index.js';
import { type EntryPoint, ListenerRegistry } from '../../../src/slack/listeners/router.js';
import { startedForReading } from '../../harness/started-capabilities.js';
import { driverFor, seamDrivers } from './policy-seam-drivers.js';
import { SeamScene } from './policy-seam-scene.js';

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
const READING = startedForReading();

/**
 * The policy seam (issue 36 §1): every entry point the app registers — each `/migrate`
 * subcommand, button, select, view, options request, shortcut, event and workflow step — asks the
 * one policy before it acts. The entry points come from the app's own registrations
 * (`registerRoutes`, `subcommandNames`), so a listener added later without a case here fails
 * this test, and one whose case shows no policy decision fails it too. Slack's own notices
 * (`SLACK_NOTICES`, declared beside their registration) are the only exemptions.
 */
const s = new SeamScene();
/** How each entry point but `/migrate` is driven (policy-seam-drivers.ts). */
const DRIVERS = seamDrivers(s);

beforeAll(() => s.start(), 60_000);
afterAll(() => s.stop());

/** Sample subcommand lines: a new subcommand needs one here, and must ask the policy. */
const SUBCOMMAND_SAMPLES: Record<string, () => string> = {
  help: () => 'help',
  status: () => `status ${s.taskId}`,
  list: () => 'list',
  groups: () => 'groups',
  sync: () => 'sync',
  explain: () => 'explain OMS.0066',
  pause: () => `pause ${s.taskId}`,
  resume: () => `resume ${s.taskId}`,
  retry: () => `retry ${s.taskId}`,
  window: () => 'window add hw-prod weekdays 22:00-06:00 Asia/Seoul',
  webhook: () => 'webhook add https://hooks.example.com/migrations failures',
  token: () => 'token add ci-nightly viewer',
  delete: () => `delete ${s.taskId}`,
  create: () => 'create',
  bandwidth: () => `bandwidth ${s.taskId} 00:00-06:00=100MB/s`,
  'sync-event': () => `sync-event ${s.taskId} a.txt`,
  watch: () => `watch ${s.taskId}`,
  unwatch: () => `unwatch ${s.taskId}`,
  watches: () => 'watches',
  subscribe: () => 'subscribe hw-prod',
  unsubscribe: () => 'unsubscribe hw-prod',
  subscriptions: () => 'subscriptions',
  access: () => 'access',
  settings: () => 'settings',
  audit: () => 'audit',
  connections: () => 'connections',
  connect: () => 'connect huawei-oms',
  disconnect: () => 'disconnect hw-prod',
  plan: () => 'plan new seam-plan',
  policy: () => 'policy add no-eu deny-regions=eu-*',
  verify: () => `verify ${s.taskId}`,
  evidence: () => `evidence ${s.taskId}`,
  // Issue 76: keep in sync asks for operate where typed (and in the card's channel) first.
  'keep-sync': () => `keep-sync ${s.taskId} every 6h until 2099-01-01`,
  // Issue 76: a cut-over asks for operate where typed (and in the card's channel) first.
  cutover: () => `cutover ${s.taskId} freeze 30`,
};

/** The app's own registrations, recorded on a registry with no app behind it. */
function entryPoints(): EntryPoint[] {
  const registry = new ListenerRegistry();
  registerRoutes(registry.routes, s.t.bot.deps);
  return registry.entryPoints();
}

describe('every registered entry point asks the one policy', () => {
  it('the registrations are what this test walks through (none without a driver)', () => {
    const listed = entryPoints();
    expect(listed.length).toBeGreaterThan(20);
    const missing = listed.filter(
      (e) =>
        !(e.surface === 'command' && e.id === '/migrate') &&
        !(SLACK_NOTICES as readonly string[]).includes(e.id) &&
        !driverFor(DRIVERS, e),
    );
    expect(missing, 'entry points with no case here: add one that proves the policy is asked').toEqual([]);
    const names = subcommandNames(READING);
    expect(names.filter((n) => !SUBCOMMAND_SAMPLES[n])).toEqual([]);
  });

  it.each(subcommandNames(READING))('/migrate %s', async (name) => {
    const text = SUBCOMMAND_SAMPLES[name]!();
    expect(await s.askedThePolicy(() => s.t.command(text, s.who))).toBe(true);
  });

  it('every other entry point', async () => {
    const silent: string[] = [];
    for (const entry of entryPoints()) {
      if (entry.surface === 'command' || (SLACK_NOTICES as readonly string[]).includes(entry.id)) continue;
      const driver = driverFor(DRIVERS, entry)!;
      const prepared = (await driver.prepare?.()) as never;
      if (!(await s.askedThePolicy(() => driver.send(prepared)))) silent.push(`${entry.surface} ${entry.id}`);
    }
    expect(silent, 'entry points that acted without asking the policy').toEqual([]);
  }, 180_000);
});
