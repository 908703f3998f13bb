import type { ResourceKind } from '../../domain/migration-resource.js';
import type { FormValues } from '../../providers/definition.js';
import type { FormResult } from '../../providers/form-result.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import { createTarget } from '../../providers/registry.js';

export type { FormResult } from '../../providers/form-result.js';

/** The create modal's values → the provider's create request, or per-field errors (the provider decides). */
export function requestFromForm(provider: ProviderId, kind: ResourceKind, values: FormValues): FormResult {
  return createTarget(provider, kind).toRequest(values);
}
