import type { ResourceKind } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import type { CreateSummary } from './definition.js';
import type { ProviderId } from './provider-ids.js';
import { createTarget } from './registry.js';

export type { CreateSummary } from './definition.js';
/**
 * What can be created from Slack comes from each provider's definition (`createForms`), with the
 * provider's own create schema. Requests never hold a secret: the schemas refuse key fields, and the
 * keys come from the connection's storage credentials when the provider creates the resource.
 */
export { type CreateTarget, createTarget, createTargets } from './registry.js';

/** Validates a create request with the provider's schema; the parsed form is what gets stored. */
export function validateCreateRequest(
  provider: ProviderId,
  kind: ResourceKind,
  request: unknown,
): Record<string, unknown> {
  const target = createTarget(provider, kind);
  const parsed = target.schema.safeParse(request);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || 'request'} ${issue.message}`);
    throw new InvalidInputError(`Invalid ${target.label} request: ${problems.join('; ')}.`);
  }
  return parsed.data as Record<string, unknown>;
}

/** What a request will create, in words, for the approval message. Values are raw (escape to show). */
export function summarizeCreateRequest(
  provider: ProviderId,
  kind: ResourceKind,
  request: Record<string, unknown>,
): CreateSummary {
  return createTarget(provider, kind).summarize(request);
}
