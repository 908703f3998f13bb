import { SecretBox } from '../../crypto/secret-box.js';
import { type Capability, type CapabilityStates, defineCapability } from '../capability.js';
import { Deliveries } from './delivery.js';
import { eventOfAudit, eventsOfEntries } from './envelope.js';
import { HookStore } from './hooks.js';
import type { EventsState } from './state.js';
import { webhookCommand } from './webhook-command.js';

/**
 * Events out (ADR 0019): every transition, failure, completion report, verification,
 * sign-off, claim, window edge and approval decision, as a signed JSON envelope (docs/events.md)
 * to the workspace's webhooks. It hears of them from the outbox's taps and the audit log's, and
 * delivers on lanes of its own.
 */
export const events: Capability & { of(deps: { capabilities: CapabilityStates }): EventsState } =
  defineCapability<EventsState>({
    name: 'events',
    start(core) {
      const keys = core.config.encryptionKeys;
      // Without encryption keys no webhook secret can be stored: `webhook add` says so.
      const box = keys ? SecretBox.fromKeyRing(keys) : undefined;
      const hooks = new HookStore(core.state, box);
      const deliveries = new Deliveries({
        kv: core.state,
        hooks,
        clock: core.clock,
        logger: core.logger,
        holder: core.watcher.options.holder,
        allowedEndpoints: core.config.allowedEndpoints,
      });
      const publish = (team: string, list: Parameters<Deliveries['enqueue']>[1]) => {
        if (list.length === 0) return;
        deliveries
          .enqueue(team, list)
          .catch((error: unknown) =>
            core.logger.warn({ err: error }, 'events could not be queued for webhooks'),
          );
      };
      core.watcher.store.taps.add((written) => {
        const found = eventsOfEntries(written);
        if (found[0]) publish(found[0].team, found);
      }, core.logger);
      core.audit.tap((entry) => {
        const event = eventOfAudit(entry);
        if (event) publish(event.team, [event]);
      });
      return {
        hooks,
        deliveries,
        allowedEndpoints: core.config.allowedEndpoints,
        now: () => core.clock.now(),
      };
    },
    subcommands: [webhookCommand((deps) => events.of(deps))],
    jobs: (s) => [
      {
        name: 'deliver',
        cadence: { everyMs: 15_000 },
        replicas: 'each',
        // Starts the lanes with retries due; never waits for a receiver.
        run: async () => s.deliveries.kickAll(),
      },
    ],
    async forgetWorkspace(s, teamId) {
      for (const hook of await s.hooks.list(teamId)) await s.deliveries.forget(teamId, hook.id);
      await s.hooks.forget(teamId);
    },
    async stop(s) {
      s.deliveries.stop();
    },
  });
