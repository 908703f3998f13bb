import { z } from 'zod';
import type { FormValues } from '../../providers/definition.js';
import { truncate } from '../blocks/mrkdwn.js';

/**
 * The one reader of a modal's `view.state.values`, for the create and the connect forms alike.
 */

/** One input's state as Slack sends it in `view.state.values[block_id][action_id]`. */
const inputStateSchema = z.looseObject({
  type: z.string().optional(),
  value: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
  selected_conversation: z.string().nullish(),
  selected_channel: z.string().nullish(),
  /** A datepicker's `YYYY-MM-DD` and a timepicker's `HH:mm` (the create form's start time). */
  selected_date: z.string().nullish(),
  selected_time: z.string().nullish(),
});
const blockStateSchema = z.record(z.string(), inputStateSchema);

export type { FormValues } from '../../providers/definition.js';

export interface ReadForm {
  values: FormValues;
  /** Field name → the block id it was read from (some block ids carry a variant: `src_region.AWS`). */
  blockIds: Record<string, string>;
  /** Values by full block id (`endpoint.ncp`), for forms whose block ids carry a variant that matters. */
  byBlock: Record<string, string>;
}

export function fieldOf(blockId: string): string {
  const dot = blockId.indexOf('.');
  return dot < 0 ? blockId : blockId.slice(0, dot);
}

/** Reads `view.state.values`; anything that is not a form state yields no values. */
export function readForm(state: unknown): ReadForm {
  const values: FormValues = {};
  const blockIds: Record<string, string> = {};
  const byBlock: Record<string, string> = {};
  const raw: unknown = (state as { values?: unknown } | undefined)?.values ?? state ?? {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { values, blockIds, byBlock };
  for (const [blockId, actions] of Object.entries(raw)) {
    // Each block on its own: a shape Slack never sends reads as an empty field, not an empty form.
    const parsed = blockStateSchema.safeParse(actions);
    const input = parsed.success ? Object.values(parsed.data)[0] : undefined;
    if (!input) continue;
    const field = fieldOf(blockId);
    blockIds[field] = blockId;
    const picked =
      input.selected_option?.value ??
      input.selected_conversation ??
      input.selected_channel ??
      input.selected_date ??
      input.selected_time ??
      input.value ??
      undefined;
    const value = picked?.trim();
    if (value) {
      values[field] = value;
      byBlock[blockId] = value;
    }
  }
  return { values, blockIds, byBlock };
}

/** Field errors keyed by the block ids Slack must get back in `response_action: "errors"`. */
export function errorsForBlocks(
  errors: Record<string, string>,
  blockIds: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    out[blockIds[field] ?? field] = truncate(message, 2000);
  }
  return out;
}
