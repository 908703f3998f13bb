import type { CatalogueEntry } from './explain.js';

/**
 * Error codes raised by the providers' API gateways (and UpCloud's API front end) rather than by the
 * migration services themselves, so they are not in the OMS catalogue. Facts come from
 * reference/providers.md §1.8 (NCP), §2.4–2.5 (UpCloud) and §3.1/§3.5 (Huawei); where the notes say
 * nothing, the entry says so instead of guessing.
 */

const huaweiGatewayCodes: CatalogueEntry[] = [
  {
    code: 'APIGW.0101',
    message: 'API not found or not published.',
    description:
      'Huawei API Gateway has no published API for this method and path, so the request never reached OMS.',
    solution:
      'Check the endpoint region, the API version and the path of the request (including the project ID).',
    provider: 'huawei-oms',
  },
  {
    code: 'APIGW.0301',
    httpStatus: 401,
    message: 'Incorrect IAM authentication information.',
    description:
      'Huawei API Gateway rejected the AK/SK signature or the IAM token. The error message contains the ' +
      "server's canonical request, with | in place of newlines.",
    solution:
      'Check the AK/SK pair (and X-Security-Token for a temporary AK/SK) or renew the token. Make sure the ' +
      'clock is right: X-Sdk-Date more than 15 minutes from server time is rejected. Compare the canonical ' +
      'request in the error message with the one that was signed.',
    provider: 'huawei-oms',
  },
  {
    code: 'APIGW.0302',
    message: 'Request rejected by Huawei API Gateway.',
    description:
      'Huawei API Gateway rejected the request before it reached OMS. Our provider notes do not describe ' +
      'this code; the error message returned with it says what failed.',
    solution:
      'Read the error message returned with the code, then check the credentials and the IAM permissions ' +
      'of the account used for the connection.',
    provider: 'huawei-oms',
  },
  {
    code: 'APIGW.0303',
    message: 'Request rejected by Huawei API Gateway.',
    description:
      'Huawei API Gateway rejected the request before it reached OMS. Our provider notes do not describe ' +
      'this code; the error message returned with it says what failed.',
    solution:
      'Read the error message returned with the code, then check the credentials and the IAM permissions ' +
      'of the account used for the connection.',
    provider: 'huawei-oms',
  },
  {
    code: 'APIGW.0307',
    httpStatus: 401,
    message: 'The token must be updated.',
    description:
      'Huawei API Gateway rejected the IAM token because it has expired (a token lasts 24 hours) or IAM ' +
      "invalidated it early (the user's password, access keys or permissions changed).",
    solution:
      'The bot fetches a new token and retries once by itself. If this keeps coming back, check the IAM user, ' +
      'password and domain of the connection.',
    provider: 'huawei-oms',
  },
  {
    code: 'APIGW.0308',
    message: 'Request throttled.',
    description: 'Huawei API Gateway throttled the request because too many requests were sent.',
    solution: 'Wait and retry with backoff, and send fewer requests at a time.',
    provider: 'huawei-oms',
  },
];

/** The NCP API Gateway table: HTTP status, numeric code, message (§1.8). Keys are `NCP.<code>`. */
const ncpRows: Array<
  [httpStatus: number, code: number, message: string, description: string, solution: string]
> = [
  [
    400,
    100,
    'Bad Request Exception',
    'NCP API Gateway could not accept the request as sent.',
    'Check the request parameters and body against the API documentation.',
  ],
  [
    401,
    200,
    'Authentication Failed',
    'NCP API Gateway could not authenticate the request.',
    'Check the access key ID and secret key of the connection, and that the request signature is valid.',
  ],
  [
    401,
    210,
    'Permission Denied',
    'The credentials are valid but not allowed to call this API.',
    'Grant the account (or sub account) permission to use Object Migration, then retry.',
  ],
  [
    404,
    300,
    'Not Found Exception',
    'NCP API Gateway has no API for this method and path.',
    'Check the endpoint, the API path and the HTTP method.',
  ],
  [
    429,
    400,
    'Quota Exceeded',
    'The call quota for this API has been used up.',
    'Wait and retry later; if it keeps happening, contact NAVER Cloud support about the quota.',
  ],
  [
    429,
    410,
    'Throttle Limited',
    'NCP API Gateway is throttling requests.',
    'Wait and retry with backoff, and send fewer requests at a time.',
  ],
  [
    429,
    420,
    'Rate Limited',
    'Too many requests in a short time.',
    'Wait and retry with backoff, and send fewer requests at a time.',
  ],
  [
    413,
    430,
    'Request Entity Too Large',
    'The request body is larger than NCP API Gateway accepts.',
    'Send a smaller request body.',
  ],
  [
    503,
    500,
    'Endpoint Error',
    'NCP API Gateway could not get a response from the service behind it.',
    'Retry later; if it persists, contact NAVER Cloud support.',
  ],
  [
    504,
    510,
    'Endpoint Timeout',
    'The service behind NCP API Gateway did not answer in time.',
    'Retry later; if it persists, contact NAVER Cloud support.',
  ],
  [
    500,
    900,
    'Unexpected Error',
    'NCP API Gateway failed unexpectedly.',
    'Retry later; if it persists, contact NAVER Cloud support with the time of the request.',
  ],
];

const ncpGatewayCodes: CatalogueEntry[] = ncpRows.map(
  ([httpStatus, code, message, description, solution]) => ({
    code: `NCP.${code}`,
    httpStatus,
    message,
    description,
    solution,
    provider: 'ncp',
  }),
);

/** One UpCloud entry under each of its spellings (the legacy and problem+json formats differ, §2.5). */
function upcloud(codes: string[], entry: Omit<CatalogueEntry, 'code' | 'provider'>): CatalogueEntry[] {
  return codes.map((code) => ({ code, ...entry, provider: 'upcloud' }));
}

const upcloudCodes: CatalogueEntry[] = [
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

export const GATEWAY_CODES: readonly CatalogueEntry[] = [
  ...huaweiGatewayCodes,
  ...ncpGatewayCodes,
  ...upcloudCodes,
];
