import type { Role } from '../../src/access/roles.js';

/** Who is in the playground's workspace: people to switch between, the bot, one channel. */
export interface PlaygroundUser {
  id: string;
  /** Slack's `username` (handle). */
  handle: string;
  /** Shown on the page. */
  name: string;
  /** Granted when the playground starts, so each person can do what their label says. */
  role: Role;
}

export const TEAM = { id: 'T0FAKE001', domain: 'playground' } as const;
export const APP_ID = 'A0MIGRATE';
export const BOT_USER_ID = 'U0BOT0001';
export const CHANNEL = { id: 'C0FAKE001', name: 'migrations' } as const;

/**
 * Alice runs migrations; Bob approves them, so a request can be approved by someone else; Dana
 * administers the bot (delete, access, settings).
 */
export const USERS: readonly PlaygroundUser[] = [
  { id: 'U0ALICE01', handle: 'alice', name: 'Alice', role: 'operator' },
  { id: 'U0BOB0001', handle: 'bob', name: 'Bob', role: 'approver' },
  { id: 'U0DANA001', handle: 'dana', name: 'Dana', role: 'admin' },
];

export function findUser(id: unknown): PlaygroundUser | undefined {
  return USERS.find((u) => u.id === id);
}

/** The id of a user's direct-message channel with the bot (Slack's `D…` ids). */
export function dmChannelOf(userId: string): string {
  return `D${userId.slice(1)}`;
}
