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
import { CAP_END, CAP_START, WindowPass } from './window-pass.js';
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
  const pass = new WindowPass({
    windows: store,
    connections: deps.connections,
    lastAction: (teamId, r) => deps.lastActions.get(teamId, r),
    act: windowActor({ ...deps, logger }),
    // A cap for the whole day while the window holds, lifted at its end: OMS rules name no weekdays
    // (seed 002 §5.2.7), so the window switches them at its own edges rather than sending its hours.
    limit: async (w, teamId, r, bytesPerSecond, restore = []) => {
      const provider = deps.connections.provider(deps.connections.get(teamId, r.connection), 'background');
      const rules =
        bytesPerSecond === undefined
          ? [...restore]
          : [{ start: CAP_START, end: CAP_END, maxBytesPerSecond: bytesPerSecond }];
      await provider.setBandwidth?.(r.kind, r.id, rules);
      await deps.audit.record({
        team: teamId,
        user: w.by,
        ...(w.channelId ? { channel: w.channelId } : {}),
        action: 'bandwidth',
        target: `${r.connection}:${r.id}`,
        result: 'ok',
        detail: `window ${w.id} (${w.name}): ${bytesPerSecond !== undefined ? `${bytesPerSecond} B/s` : restore.length > 0 ? `lifted; ${restore.length} rule(s) set by hand put back` : 'lifted'}`,
        op: `win-${w.id}`,
      });
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
