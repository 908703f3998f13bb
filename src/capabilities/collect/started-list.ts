import type { Capability, CapabilityParts } from '../../contract/capability.js';

/** One capability with the parts its `start` handed over. */
export interface Started {
  readonly capability: Capability;
  readonly parts: CapabilityParts;
}

/** The registry's list and, once started, each one's parts, in the list's order (read by every collector). */
export class StartedList {
  readonly list: readonly Capability[];
  readonly started: Started[] = [];

  constructor(list: readonly Capability[]) {
    this.list = list;
  }

  /** Each started capability's part `key`, with its name, where it has one. */
  each<K extends keyof CapabilityParts>(key: K): { name: string; part: NonNullable<CapabilityParts[K]> }[] {
    return this.started.flatMap(({ capability, parts }) => {
      const part = parts[key];
      return part === undefined
        ? []
        : [{ name: capability.name, part: part as NonNullable<CapabilityParts[K]> }];
    });
  }

  parts(name: string): CapabilityParts | undefined {
    return this.started.find((s) => s.capability.name === name)?.parts;
  }
}
