import type { CatalogueText, ProviderCatalogue } from '../provider-catalogue.js';
import classes from './catalogue/classes.json' with { type: 'json' };
import ko from './catalogue/ko.json' with { type: 'json' };
import zhCN from './catalogue/zh-CN.json' with { type: 'json' };

/**
 * NCP's error codes: those of its API Gateway (reference/providers.md §1.8), keyed `NCP.<code>`
 * since the gateway sends them as bare numbers.
 */

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

const GATEWAY_CODES: CatalogueText[] = ncpRows.map(([httpStatus, code, message, description, solution]) => ({
  code: `NCP.${code}`,
  httpStatus,
  message,
  description,
  solution,
}));

export const ncpCatalogue: ProviderCatalogue = {
  gatewayCodes: GATEWAY_CODES,
  classes,
  translations: { ko, 'zh-CN': zhCN },
  /**
   * People write `ncp:200`; the gateway sends its codes bare (`"errorCode":"200"`, §1.8) and a
   * provider error keeps them as sent. No other catalogue has numeric codes, so a bare known one is NCP's.
   */
  normalise(upper, known) {
    const written = /^NCP\s*[:.]\s*(\d+)$/.exec(upper);
    if (written) return `NCP.${written[1]}`;
    if (/^\d+$/.test(upper) && known(`NCP.${Number(upper)}`)) return `NCP.${Number(upper)}`;
    return undefined;
  },
};
