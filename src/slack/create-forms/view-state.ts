import { z } from 'zod';

/** One input's state as Slack sends it in `view.state.values[block_id][action_id]`. */
const inputStateSchema = z.looseObject({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
  selected_conversation: z.string().nullish(),
  selected_channel: z.string().nullish(),
});
export const viewStateValuesSchema = z.record(z.string(), z.record(z.string(), inputStateSchema));

/** A form's values by field name (the block id up to its first `.`), trimmed; empty inputs are absent. */
export type FormValues = Partial<Record<string, string>>;

export interface ReadForm {
  values: FormValues;
  /** Field name → the block id it was read from (some block ids carry a variant: `src_region.AWS`). */
  blockIds: Record<string, string>;
}

export function fieldOf(blockId: string): string {
  const dot = blockId.indexOf('.');
  return dot < 0 ? blockId : blockId.slice(0, dot);
}

/** Reads `view.state.values`; anything that is not a form state yields no values. */
export function readForm(state: unknown): ReadForm {
  const values: FormValues = {};
  const blockIds: Record<string, string> = {};
  const parsed = viewStateValuesSchema.safeParse(
    (state as { values?: unknown } | undefined)?.values ?? state ?? {},
  );
  if (!parsed.success) return { values, blockIds };
  for (const [blockId, actions] of Object.entries(parsed.data)) {
    const input = Object.values(actions)[0];
    if (!input) continue;
    const field = fieldOf(blockId);
    blockIds[field] = blockId;
    const raw =
      input.selected_option?.value ??
      input.selected_conversation ??
      input.selected_channel ??
      input.value ??
      undefined;
    const value = raw?.trim();
    if (value) values[field] = value;
  }
  return { values, blockIds };
}

/** Field errors keyed by the block ids Slack must get back in `response_action: "errors"`. */
export function errorsForBlocks(
  errors: Record<string, string>,
  blockIds: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    out[blockIds[field] ?? field] = message.length > 2000 ? `${message.slice(0, 1999)}…` : message;
  }
  return out;
}

/** Lines of a multi-line input, trimmed, without blanks. */
export function lines(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}
