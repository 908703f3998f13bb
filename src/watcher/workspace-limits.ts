import { InvalidInputError, localized } from '../errors.js';

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

const ASK = 'or ask whoever runs migrate-bot to raise the cap.';

/** An add a cap refused. Nothing was added: the message names the cap and the use. */
export class CapReachedError extends InvalidInputError {
  readonly cap: CapName;
  readonly used: number;
  readonly max: number;

  constructor(cap: CapName, use: CapUse, connection = '') {
    const setting = CAP_SETTINGS[cap];
    const { used, max } = use;
    super(
      cap === 'channels'
        ? `\`${connection}\` is followed in ${used} of ${max} channels, the cap per connection (${setting}): nothing was added. Subscribe one of those channels, \`/migrate unsubscribe\` one, ${ASK}`
        : cap === 'watches'
          ? `This workspace has ${used} of ${max} watches, its cap (${setting}): nothing was added. \`/migrate unwatch\` (or \`/migrate unsubscribe\`) what it no longer needs, ${ASK}`
          : `This workspace has ${used} of ${max} subscriptions, its cap (${setting}): nothing was added. \`/migrate unsubscribe\` what it no longer needs, ${ASK}`,
    );
    this.cap = cap;
    this.used = used;
    this.max = max;
    localized(this, `limit.${cap}`, { used, max, setting, connection });
  }
}
