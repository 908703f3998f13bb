import type { Capability } from '../../contract/capability.js';
import { SecretBox } from '../../crypto/secret-box.js';
import { Deliveries } from './delivery.js';
import { type EventEnvelope, eventOfAudit, eventsOfEntries } from './envelope.js';
import { type FileHook, parseFileHooks } from './hook-file.js';
import { HookStore } from './hooks.js';
import type { EventsState } from './state.js';
import { webhookCommand } from './webhook-command.js';
import { EVENT_WORDS } from './words.js';

/**
 * Events out (ADR 0019): every transition, failure, completion report, verification,
 * sign-off, claim, window edge and approval decision, as a signed JSON envelope (docs/events.md)
 * to the workspace's webhooks. It hears of them from the outbox's taps and the audit log's, and
 * delivers on lanes of its own.
 */
/** The allow-list the file's webhooks are checked against (the bot's, once started). */
let allowed: readonly string[] = [];
const allowList = () => allowed;
const line = (event: EventEnvelope) => JSON.stringify(event);

export const events: Capability = {
  name: 'events',
  words: EVENT_WORDS,
  fileKey: 'webhooks',
  start(core) {
    allowed = core.config.allowedEndpoints;
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
    // What the outbox and the audit log say is kept in their own writes (the record's journal) and
    // taken from there into the webhooks' queues: a replica that dies between the two loses nothing.
    const take = async (lines: readonly string[]) => {
      const byTeam = new Map<string, EventEnvelope[]>();
      for (const line of lines) {
        const event = JSON.parse(line) as EventEnvelope;
        byTeam.set(event.team, [...(byTeam.get(event.team) ?? []), event]);
      }
      for (const [team, list] of byTeam) await deliveries.enqueue(team, list);
    };
    core.watcher.store.taps.add(
      { name: 'events', lines: (written) => eventsOfEntries(written).map(line), take },
      core.logger,
    );
    core.audit.tap({
      name: 'events',
      lines: (entry) => {
        const event = eventOfAudit(entry);
        return event ? [line(event)] : [];
      },
      take,
    });
    const s: EventsState = {
      hooks,
      deliveries,
      allowedEndpoints: core.config.allowedEndpoints,
      now: () => core.clock.now(),
    };
    return {
      state: s,
      file: {
        parse: (section) => parseFileHooks(section, allowList()),
        apply: (parsed) => {
          s.hooks.fileHooks = parsed as FileHook[];
        },
      },
      commands: { subcommands: [webhookCommand(() => s)] },
      jobs: [
        {
          name: 'deliver',
          cadence: { everyMs: 15_000 },
          replicas: 'each',
          // Starts the lanes with retries due; never waits for a receiver.
          run: async () => s.deliveries.kickAll(),
        },
        {
          name: 'journal',
          cadence: { everyMs: 60_000 },
          replicas: 'lease',
          // What a replica that died between a write and taking its events left behind.
          run: async () => {
            await core.watcher.store.sweepTaps();
            await core.audit.sweepTaps(await s.hooks.teams());
          },
        },
      ],
      cleanup: {
        async forgetWorkspace(teamId) {
          for (const hook of await s.hooks.list(teamId)) await s.deliveries.forget(teamId, hook.id);
          await s.hooks.forget(teamId);
        },
        async stop() {
          s.deliveries.stop();
        },
      },
    };
  },
};
