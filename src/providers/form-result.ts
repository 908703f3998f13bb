import type { z } from 'zod';

/** A form turned into a provider create request, or one message per invalid field. */
export type FormResult =
  | { ok: true; request: Record<string, unknown> }
  | { ok: false; errors: Record<string, string>; words?: Record<string, FieldWords> };

/**
 * A field's message as a catalogue key, for readers of other languages: `label` in `values` is the
 * field's English label and `option` names a choice whose words stand in `values.type`. The English
 * message stays authoritative: Slack uses the key only while its English says the same.
 */
export interface FieldWords {
  key: string;
  values?: Record<string, string | number>;
  option?: { field: string; value: string };
}

export interface FieldMap {
  /** Which form field an issue at this request path belongs to. */
  fieldFor(path: readonly PropertyKey[]): string | undefined;
  /** The field's label, to start a message ("Source region is required…"). */
  labels: Record<string, string>;
  /** Where an issue that maps to no field is shown. */
  fallback: string;
}

/**
 * Validates `request` with the provider's schema and turns every issue into a message on its field:
 * which field and why. The first problem of each field is kept; values are never echoed.
 */
export function validateWithSchema(
  schema: z.ZodType,
  request: Record<string, unknown>,
  map: FieldMap,
  errors: Record<string, string> = {},
  words: Record<string, FieldWords> = {},
): FormResult {
  const parsed = schema.safeParse(request);
  if (parsed.success && Object.keys(errors).length === 0) {
    return { ok: true, request: parsed.data as Record<string, unknown> };
  }
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const field = map.fieldFor(issue.path) ?? map.fallback;
    if (errors[field]) continue;
    errors[field] = describe(issue, field, map);
    const said = wordsOf(issue, field, map);
    if (said) words[field] = said;
  }
  return { ok: false, errors, words };
}

/**
 * The catalogue key of the common problems (`create.field.*`), whose English `describe` writes the
 * same way; a schema's own sentence carries its key in the issue's `params.words`.
 */
function wordsOf(issue: z.core.$ZodIssue, field: string, map: FieldMap): FieldWords | undefined {
  if (map.fieldFor(issue.path) === undefined && issue.path.length > 0) return undefined;
  const label = map.labels[field] ?? field;
  const index = issue.path.find((p): p is number => typeof p === 'number');
  const line: Record<string, number> = index === undefined ? {} : { line: index + 1 };
  const at = index === undefined ? '' : 'Line';
  const params = (issue as { params?: { words?: unknown; values?: Record<string, string | number> } }).params;
  if (typeof params?.words === 'string')
    return { key: params.words, values: { label, ...line, ...params.values } };
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
    return { key: `create.field.required${at}`, values: { label, ...line } };
  if (issue.code === 'too_big' && issue.origin === 'string')
    return { key: `create.field.tooLong${at}`, values: { label, max: Number(issue.maximum), ...line } };
  if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1)
    return { key: `create.field.empty${at}`, values: { label, ...line } };
  if (issue.code === 'too_small' && issue.origin === 'string')
    return { key: `create.field.tooShort${at}`, values: { label, min: Number(issue.minimum), ...line } };
  if (issue.code === 'invalid_value')
    return { key: 'create.field.oneOf', values: { label, options: issue.values.map(String).join(', ') } };
  return undefined;
}

function describe(issue: z.core.$ZodIssue, field: string, map: FieldMap): string {
  const label = map.labels[field] ?? field;
  const message =
    issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is required' : issue.message;
  const index = issue.path.find((p): p is number => typeof p === 'number');
  const unmapped = map.fieldFor(issue.path) === undefined && issue.path.length > 0;
  const where = unmapped ? ` (${issue.path.map(String).join('.')})` : '';
  // Bandwidth problems already name the window ("window 2: …").
  if (field === 'bandwidth') return sentence(capitalize(message));
  if (index !== undefined) return sentence(`${label}, line ${index + 1}: ${message}${where}`);
  if (/^[A-Z]/.test(message)) return sentence(`${label}: ${message}${where}`);
  return sentence(`${label} ${message}${where}`);
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
