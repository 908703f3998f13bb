import type { ResourceKind } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import type { FormResult } from './form-result.js';
import { ncpRequestFromForm } from './ncp-form.js';
import { omsRequestFromForm } from './oms-form.js';
import { upcloudRequestFromForm } from './upcloud-form.js';
import type { FormValues } from './view-state.js';

export type { FormResult } from './form-result.js';

/** The create modal's values → the provider's create request, or per-field errors. */
export function requestFromForm(provider: ProviderId, kind: ResourceKind, values: FormValues): FormResult {
  if (provider === 'huawei-oms' && (kind === 'task' || kind === 'task-group')) {
    return omsRequestFromForm(kind, values);
  }
  if (provider === 'ncp' && kind === 'policy') return ncpRequestFromForm(values);
  if (provider === 'upcloud' && kind === 'job') return upcloudRequestFromForm(values);
  throw new InvalidInputError(`${provider} ${kind} resources cannot be created from Slack.`);
}
