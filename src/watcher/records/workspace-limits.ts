import { InvalidInputError } from '../../errors.js';
import { english } from '../../i18n/english.js';

/** What one workspace may have (config `limits`: MAX_WATCHES_PER_WORKSPACE and the others). */
export interface WorkspaceLimits {
  watches: number;
  subscriptions: number;
  /** Distinct channels subscribed to one connection (its groups' subscriptions included). */
  channelsPerConnection: number;
}

export type CapName = 'watches' | 'subscriptions' | 'channels';

/** The setting that raises each cap: the refusal names it for whoever runs the bot. */
export const CAP_SETTINGS: Readonly<Record<CapName, string>> = {
  watches: 'MAX_WATCHES_PER_WORKSPACE',
  subscriptions: 'MAX_SUBSCRIPTIONS_PER_WORKSPACE',
  channels: 'MAX_CHANNELS_PER_CONNECTION',
};

/** How much of a cap is taken. */
export interface CapUse {
  used: number;
  max: number;
}

/** A workspace's use against its caps, for the Home tab and `/migrate subscriptions`. */
export interface WorkspaceUse {
  watches: CapUse;
  subscriptions: CapUse;
  /** Per subscribed connection, the channels following it. */
  channels: (CapUse & { connection: string })[];
}

/** An add a cap refused. Nothing was added: the message names the cap and the use. */
export class CapReachedError extends InvalidInputError {
  readonly cap: CapName;
  readonly used: number;
  readonly max: number;

  constructor(cap: CapName, use: CapUse, connection = '') {
    const { used, max } = use;
    const key = `limit.${cap}` as const;
    const values = { used, max, setting: CAP_SETTINGS[cap], connection };
    super(english(key, values));
    this.cap = cap;
    this.used = used;
    this.max = max;
    this.localized = { key, values };
  }
}
