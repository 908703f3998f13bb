import type { Capability, CapabilityCore } from '../../contract/capability.js';
import { windowCardLines, windowRowLine, windowsListed, windowsOf } from './resource-windows.js';
import type { WindowActed } from './window-acted.js';
import { windowActor } from './window-actor.js';
import { windowCommand } from './window-command.js';
import type { WindowRefusedNote } from './window-fact.js';
import { factsFor } from './window-facts.js';
import { WindowPass } from './window-pass.js';
import { renderWindowRefused } from './window-refused-post.js';
import { WINDOWS, type WindowsState } from './window-state.js';
import { WindowStore } from './window-store.js';
import { windowActedLine, windowBy } from './window-words.js';
import { renderWindowsHome, type WindowsHome } from './windows-home.js';
import { WINDOW_WORDS } from './words.js';

/**
 * Time windows (`/migrate window`): a weekly span in a zone that pauses or caps what it covers at
 * its start and lets go at its end. Its store, its pass (a job on the one scheduler, before each
 * cycle polls and on the scheduler's timer), its subcommand and its departure clean-up live here.
 */
export const windows: Capability = {
  name: WINDOWS,
  words: WINDOW_WORDS,
  start(core) {
    const s = createWindows(core);
    return {
      state: s,
      commands: { subcommands: [windowCommand] },
      card: {
        // A cap that holds while it moves, each window's next change (its own pause: `actedLine`).
        lines: (fact, tr, _now, resource) => windowCardLines(fact, resource.state, tr),
        // Its edge's own action ("Paused by window *night* · resumes …"), and an event's "by window" words.
        actedLine: (_said, last, state, tr) => windowActedLine(state, last, tr),
        actedBy: (said, by, tr) => windowBy(said as WindowActed, by, tr),
        // A status card's, a list's and Home's rows: read from the store, with the window that holds it.
        factsOf: (team, resources, now) => windowsOf(s, team, resources, now),
        rowLine: (fact, tr, _now, resource) => windowRowLine(fact, resource.state, tr),
      },
      posts: {
        // Home's "Time windows" section, after its rows (the registry's order puts it first there).
        home: async (who): Promise<WindowsHome> => ({
          kind: 'home',
          list: await windowsListed(s, who.teamId),
        }),
        // Its Home section, and its reply in a card's thread when the policy refused a window's setter.
        render: (view, tr, now) =>
          (view as { kind?: string }).kind === 'home'
            ? renderWindowsHome(view as WindowsHome, tr, now)
            : renderWindowRefused(view as WindowRefusedNote, tr),
      },
      jobs: [
        // The pass takes its own lease (`lease:windows`) and claims each edge on the window as well:
        // every replica asks, one acts. Its facts are written before each cycle, which draws them.
        { name: 'edges', cadence: 'before-cycle', replicas: 'each', run: () => s.pass.run() },
        { name: 'facts', cadence: 'each-cycle', replicas: 'each', run: () => s.pass.showFacts() },
      ],
      // `GET /api/v1/windows`: the workspace's time windows, for a viewer.
      http: {
        apiReads: [
          {
            path: 'windows',
            read: async (ctx) => {
              await ctx.require('view', ctx.here, 'see time windows');
              return { items: await s.store.list(ctx.teamId) };
            },
          },
        ],
      },
      cleanup: {
        // Gone first at an uninstall, so no pass acts for the workspace after it.
        forgetWorkspace: (teamId) => s.store.forget(teamId),
        stop: () => s.pass.stop(),
      },
    };
  },
};

/** The store and the pass, composed once for the bot, on its clock and the watcher's lease. */
function createWindows(deps: CapabilityCore): WindowsState {
  const store = new WindowStore(deps.state);
  const logger = deps.logger.child({ component: 'windows' });
  const actor = windowActor({ ...deps, logger });
  const pass = new WindowPass({
    windows: store,
    connections: deps.connections,
    lastAction: (teamId, r) => deps.resources.lastActions.get(teamId, r),
    act: actor.act,
    // Caps and lifts as the setter's `/migrate bandwidth` would, asked of the policy each time.
    limit: actor.limit,
    // Refused to the setter: one audit entry naming the window, one reply in each thread it left.
    refused: async (w, teamId, edge, action, left, why) => {
      await deps.audit.record({
        team: teamId,
        user: w.by,
        ...(w.channelId ? { channel: w.channelId } : {}),
        action: action === 'cap' ? 'bandwidth' : action,
        target:
          w.target.kind === 'connection' ? w.target.connection : `${w.target.connection}:${w.target.id}`,
        result: 'refused',
        detail: `window ${w.id} (${w.name}), ${edge}: ${why.message}`.slice(0, 500),
        op: `win-${w.id}`,
      });
      const view: WindowRefusedNote = {
        kind: 'window-refused',
        window: { id: w.id, name: w.name },
        by: w.by,
        action,
      };
      const note = { kind: 'view', capability: WINDOWS, id: `${w.id}-${edge}`, view } as const;
      const now = deps.clock.now();
      for (const r of left) await deps.watcher.notes.say(teamId, r, `window-${w.id}-${edge}`, note, now);
    },
    // Read before a cap replaces them, and again at its end (a person's change then stands).
    rulesOf: async (teamId, r) => {
      const provider = deps.connections.provider(deps.connections.get(teamId, r.connection), 'background');
      return provider.getBandwidth ? provider.getBandwidth(r.kind, r.id) : [];
    },
    // What each card shows of the windows covering its resource: a fact on its watch record.
    showFacts: async (teamId, windows, now) => {
      await deps.watcher.notes.facts(teamId, WINDOWS, (record) => {
        const { groupId } = record.snapshot;
        const facts = factsFor(windows, { ...record.watch, ...(groupId ? { groupId } : {}) }, now);
        return facts.length > 0 ? facts : undefined;
      });
    },
    watchKeys: () => deps.watcher.store.watchKeys(),
    kv: deps.state,
    holder: deps.watcher.options.holder,
    leaseMs: deps.watcher.options.leaseMs,
    clock: deps.clock,
    logger,
  });
  return { store, pass, lastActions: deps.resources.lastActions };
}
