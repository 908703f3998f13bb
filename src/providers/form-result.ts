import type { z } from 'zod';

/** A form turned into a provider create request, or one message per invalid field. */
export type FormResult =
  | { ok: true; request: Record<string, unknown> }
  | { ok: false; errors: Record<string, string> };

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
): FormResult {
  const parsed = schema.safeParse(request);
  if (parsed.success && Object.keys(errors).length === 0) {
    return { ok: true, request: parsed.data as Record<string, unknown> };
  }
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const field = map.fieldFor(issue.path) ?? map.fallback;
    if (errors[field]) continue;
    errors[field] = describe(issue, field, map);
  }
  return { ok: false, errors };
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
