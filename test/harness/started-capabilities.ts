import { type CollectedCapabilities, collectCapabilities } from '../../src/capabilities/collect/index.js';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import type { Capability, CapabilityCore, CapabilityParts } from '../../src/contract/capability.js';
import type { StartedCapabilities } from '../../src/contract/started.js';
import type { Subcommand } from '../../src/contract/subcommand.js';

/**
 * Anything asked of it answers another of itself: what a capability's `start` keeps of the core
 * without using it yet (a store, the watcher), so its parts can be read with no bot running.
 */
function inert(): unknown {
  const self: unknown = new Proxy(() => {}, {
    get: (_target, key) => {
      if (key === Symbol.toPrimitive) return () => '';
      return key === 'then' || typeof key === 'symbol' ? undefined : self;
    },
    apply: () => self,
    construct: () => self as object,
  });
  return self;
}

/**
 * Capabilities started on an inert core, for tests that read their parts alone (subcommands, what
 * they draw, their create-form fields) without starting a bot: nothing they do reaches a store.
 */
export function startedForReading(list: readonly Capability[] = CAPABILITIES): CollectedCapabilities {
  return collectCapabilities(list).start(inertCore());
}

/** One capability's parts, started on an inert core (see `startedForReading`). */
export function partsOf(capability: Capability): CapabilityParts {
  return capability.start(inertCore());
}

/** A core whose every piece is inert, but for the settings a capability reads as it starts. */
function inertCore(): CapabilityCore {
  const core = Object.fromEntries(
    [
      'state',
      'clock',
      'logger',
      'connections',
      'resources',
      'access',
      'audit',
      'watcher',
      'settings',
      'store',
    ]
      .concat(['sender', 'locales', 'secrets'])
      .map((key) => [key, inert()]),
  );
  core.config = { allowedEndpoints: [] };
  return core as unknown as CapabilityCore;
}

/** One capability's subcommands, as its started parts hand them to the core. */
export function subcommandsOf(capability: Capability): readonly Subcommand[] {
  return partsOf(capability).commands?.subcommands ?? [];
}

/** A started capability's state in a running bot (`T`: its type, as its folder names it). */
export function stateIn<T>(
  deps: { capabilities: Pick<StartedCapabilities, 'stateOf'> },
  capability: Capability,
): T {
  return deps.capabilities.stateOf(capability.name) as T;
}
