import { ConnectBot } from '../../harness/connect-bot.js';
import { Interactions, ViewTracker } from '../../harness/interactions.js';

export const TEAM = 'T0FAKE001';
export const CHANNEL = 'C0FAKE001';
export const ACTOR = 'U0SEAM0001'; // an admin by workspace grant: every path gets as far as it can

/**
 * The bot the policy seam is walked on (policy-seam.test.ts): ACTOR an admin by a workspace grant,
 * an approvals channel, one OMS task; and whether a request asked the policy, read from the bot's
 * log of its decisions.
 */
export class SeamScene {
  readonly c = new ConnectBot();
  readonly t = this.c.t;
  readonly who = { userId: ACTOR, channelId: CHANNEL };
  #views: ViewTracker | undefined;
  #ix: Interactions | undefined;
  taskId = '';

  async start(): Promise<void> {
    await this.c.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
    this.#views = new ViewTracker(this.t.fakeSlack);
    this.#ix = new Interactions(this.t);
    await this.t.ask(`access grant <@${ACTOR}> admin`);
    await this.t.ask('settings approvals <#C0APPROVE|approvals>');
    this.taskId = this.t.oms.addTask({ name: 'seam', status: 2 }).id;
  }

  async stop(): Promise<void> {
    this.#views?.stop();
    await this.c.stop();
  }

  get views(): ViewTracker {
    if (!this.#views) throw new Error('the seam scene is not started');
    return this.#views;
  }

  get ix(): Interactions {
    if (!this.#ix) throw new Error('the seam scene is not started');
    return this.#ix;
  }

  /** How many policy decisions the bot logged about ACTOR so far. */
  decisions(): number {
    return this.t.logs.lines.filter((line) => line.includes('"policy decision"') && line.includes(ACTOR))
      .length;
  }

  /**
   * Sends one request through `send` and says whether the policy was asked about it, once the bot
   * has ended the request's work (a modal opened, a card redrawn: not to be taken for the next one's).
   */
  async askedThePolicy(send: () => Promise<unknown>): Promise<boolean> {
    const before = this.decisions();
    await send();
    await this.t.settled();
    return this.decisions() > before;
  }
}
