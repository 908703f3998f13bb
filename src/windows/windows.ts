import type { AccessControl } from '../access/access-control.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import type { Logger } from '../logger.js';
import type { LastActions } from '../resources/last-actions.js';
import type { ResourceResolver } from '../resources/resolve-resource.js';
import type { AtomicKv } from '../store/atomic-kv.js';
import type { Watcher } from '../watcher/watcher.js';
import { windowActor } from './window-actor.js';
import { factsFor } from './window-facts.js';
import { WindowPass } from './window-pass.js';
import { WindowStore } from './window-store.js';

export interface WindowsDeps {
  state: AtomicKv;
  connections: ConnectionRegistry;
  access: AccessControl;
  audit: AuditLog;
  resolver: ResourceResolver;
  watcher: Watcher;
  lastActions: LastActions;
  logger: Logger;
  /** The bot's one clock (the watcher's too). */
  clock: Clock;
}

/**
 * Time windows, composed once for the bot: the store `/migrate window` writes, and the pass run
 * before each watcher cycle (on the watcher's clock, with its holder name and lease period).
 */
export function createWindows(deps: WindowsDeps): { store: WindowStore; pass: WindowPass } {
  const store = new WindowStore(deps.state);
  const logger = deps.logger.child({ component: 'windows' });
  const actor = windowActor({ ...deps, logger });
  const pass = new WindowPass({
    windows: store,
    connections: deps.connections,
    lastAction: (teamId, r) => deps.lastActions.get(teamId, r),
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
      const note = { kind: 'window-refused', window: { id: w.id, name: w.name }, by: w.by, action } as const;
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
      await deps.watcher.notes.windows(teamId, (record) =>
        factsFor(
          windows,
          { ...record.watch, ...(record.snapshot.groupId ? { groupId: record.snapshot.groupId } : {}) },
          now,
        ),
      );
    },
    watchKeys: () => deps.watcher.store.watchKeys(),
    kv: deps.state,
    holder: deps.watcher.options.holder,
    leaseMs: deps.watcher.options.leaseMs,
    clock: deps.clock,
    logger,
  });
  return { store, pass };
}
