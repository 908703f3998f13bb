import { type CatalogueText, type ProviderCatalogue, permissionsRefuse } from '../provider-catalogue.js';
import classes from './catalogue/classes.json' with { type: 'json' };
import ko from './catalogue/ko.json' with { type: 'json' };
import zhCN from './catalogue/zh-CN.json' with { type: 'json' };

/** UpCloud's error codes, as its API front end returns them (reference/providers.md §2.4–2.5). */

/** One UpCloud entry under each of its spellings (the legacy and problem+json formats differ, §2.5). */
function upcloud(codes: string[], entry: Omit<CatalogueText, 'code'>): CatalogueText[] {
  return codes.map((code) => ({ code, ...entry }));
}

const GATEWAY_CODES: CatalogueText[] = [
  ...upcloud(['AUTHENTICATION_FAILED'], {
    httpStatus: 401,
    message: 'Authentication failed.',
    description: 'UpCloud did not accept the API token (or the username and password) of the connection.',
    solution:
      'Check that the API token is valid and not expired, and that its allowed IP ranges include the bot; ' +
      'create a new token if needed.',
  }),
  ...upcloud(['RESOURCE_NOT_FOUND'], {
    httpStatus: 404,
    message: 'Resource not found.',
    description: 'The object storage service, job or other resource in the request does not exist.',
    solution: 'Check the resource UUID and that it belongs to this UpCloud account.',
  }),
  ...upcloud(['INSUFFICIENT_CREDITS'], {
    httpStatus: 402,
    message: 'Insufficient credits.',
    description: 'The UpCloud account does not have enough credits for the request.',
    solution: 'Add credits to the UpCloud account, then retry.',
  }),
  ...upcloud(['CONFLICT', 'RESOURCE_CONFLICT'], {
    httpStatus: 409,
    message: 'Conflict.',
    description: 'The request conflicts with the current state of the resource.',
    solution:
      'Check the current state of the resource (for example, a job already running) and retry when it allows it.',
  }),
  ...upcloud(['INVALID_PARAMETERS', 'BAD_REQUEST'], {
    httpStatus: 400,
    message: 'Invalid request.',
    description: 'UpCloud rejected one or more request parameters.',
    solution:
      'Check the invalid_params list in the error response for each field and reason, then fix the request.',
  }),
  ...upcloud(['FORBIDDEN'], {
    httpStatus: 403,
    message: 'Forbidden.',
    description: 'The credentials are valid but not allowed to perform this operation.',
    solution: 'Check the permissions of the API token or subaccount used for the connection.',
  }),
];

export const upcloudCatalogue: ProviderCatalogue = {
  gatewayCodes: GATEWAY_CODES,
  classes,
  translations: { ko, 'zh-CN': zhCN },
  /** problem+json types carry an `ERROR_` prefix that UpCloud's SDK strips. */
  normalise: (upper) => (upper.startsWith('ERROR_') ? upper.slice('ERROR_'.length) : undefined),
};

/**
 * For the jobs client's HttpClient: providers.md §2.4 makes the keys' failure 401 AUTHENTICATION_FAILED;
 * a 403 FORBIDDEN is keys that work but may not do this (a subaccount's rights), a permission.
 */
export const classifyUpCloudError = permissionsRefuse(upcloudCatalogue);
