/**
 * The Workflow Builder steps this app offers: each `callback_id` and the parameters it reads and
 * writes. `manifest.yml` declares the same (under `functions`); a test keeps the two in step.
 */
export const STEP_CALLBACKS = {
  status: 'get_migration_status',
  pause: 'pause_migration',
  resume: 'resume_migration',
  request: 'request_migration',
} as const;

/** The person running the workflow (`slack#/types/user_context`): roles apply to them. */
export const USER_INPUT = 'user_context';

/** Which migration: an id, a unique prefix of 4+ characters, or `connection:id`; and optionally where. */
const TARGET_INPUTS = [USER_INPUT, 'migration', 'connection'] as const;
const TARGET_OUTPUTS = ['connection', 'id', 'name', 'state'] as const;

export const STEP_PARAMETERS: Record<string, { inputs: readonly string[]; outputs: readonly string[] }> = {
  [STEP_CALLBACKS.status]: {
    inputs: TARGET_INPUTS,
    outputs: [...TARGET_OUTPUTS, 'percent', 'bytes_done', 'bytes_total'],
  },
  [STEP_CALLBACKS.pause]: { inputs: TARGET_INPUTS, outputs: TARGET_OUTPUTS },
  [STEP_CALLBACKS.resume]: { inputs: TARGET_INPUTS, outputs: TARGET_OUTPUTS },
  [STEP_CALLBACKS.request]: {
    inputs: [USER_INPUT, 'connection', 'kind', 'channel_id', 'details'],
    outputs: ['connection', 'id', 'name', 'request_id'],
  },
};
