import { z } from 'zod';
import type { AtomicKv } from '../store/atomic-kv.js';
import { readJson } from '../store/open-atomic-kv.js';

const settingsSchema = z.object({
  /** Where every action and decision is also posted. */
  auditChannel: z.string().optional(),
  /** Where creation requests wait for an approver. */
  approvalsChannel: z.string().optional(),
  /** Hours before an unanswered approval request expires. */
  approvalTtlHours: z
    .number()
    .min(1)
    .max(24 * 14)
    .optional(),
});
export type WorkspaceSettings = z.infer<typeof settingsSchema>;

function parseSettings(raw: string | undefined): WorkspaceSettings {
  const value = readJson(raw);
  return value === undefined ? {} : settingsSchema.parse(value);
}

/** Per-workspace settings changed from Slack (`/migrate settings`); changes are compare-and-set. */
export class SettingsStore {
  readonly #kv: AtomicKv;

  constructor(kv: AtomicKv) {
    this.#kv = kv;
  }

  async get(teamId: string): Promise<WorkspaceSettings> {
    return parseSettings(await this.#kv.get(`settings:${teamId}`));
  }

  async update(teamId: string, change: Partial<WorkspaceSettings>): Promise<WorkspaceSettings> {
    let next: WorkspaceSettings = {};
    await this.#kv.update(`settings:${teamId}`, (raw) => {
      next = settingsSchema.parse({ ...parseSettings(raw), ...change });
      return JSON.stringify(next);
    });
    return next;
  }
}
