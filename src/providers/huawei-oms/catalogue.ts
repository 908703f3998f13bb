import { z } from 'zod';
import omsErrorCodes from '../../catalogue/oms-error-codes.json' with { type: 'json' };
import type { CatalogueText, ProviderCatalogue } from '../provider-catalogue.js';
import classes from './catalogue/classes.json' with { type: 'json' };
import consoleFixes from './catalogue/console-fixes.json' with { type: 'json' };
import ko from './catalogue/ko.json' with { type: 'json' };
import zhCN from './catalogue/zh-CN.json' with { type: 'json' };

/**
 * Huawei OMS's error codes: the service's table (seed 002 §6.2, extracted into
 * src/catalogue/oms-error-codes.json by scripts/extract-error-catalogue.mjs, where the seed tests
 * check it), then the API Gateway's codes, which the table does not list (reference/providers.md
 * §3.1/§3.5; where the notes say nothing, the entry says so instead of guessing).
 */

/** The shape the extractor writes; checked once at load so bad data fails loudly. */
const OmsCatalogueSchema = z.array(
  z.strictObject({
    code: z.string().regex(/^[A-Z][A-Z0-9_]*\.\d+$/),
    httpStatus: z.number().int().min(100).max(599),
    message: z.string(),
    description: z.string(),
    solution: z.string(),
  }),
);

const GATEWAY_CODES: CatalogueText[] = [
  {
    code: 'APIGW.0101',
    message: 'API not found or not published.',
    description:
      'Huawei API Gateway has no published API for this method and path, so the request never reached OMS.',
    solution:
      'Check the endpoint region, the API version and the path of the request (including the project ID).',
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
  },
  {
    code: 'APIGW.0308',
    message: 'Request throttled.',
    description: 'Huawei API Gateway throttled the request because too many requests were sent.',
    solution: 'Wait and retry with backoff, and send fewer requests at a time.',
  },
];

/**
 * The table's fixes that say 'Click "Restart"' (the OMS console's button) or "restart the task",
 * said with the bot's Resume (a task: StartTask, what the console's Restart calls) or Retry (a group:
 * RetryTaskGroup, §5.4.7 "Restarting"). Checked at load, like the table.
 */
const SaidBothWays = z.strictObject({ button: z.string().includes('{button}'), none: z.string().min(1) });
const ConsoleFixesSchema = z.record(
  z.string(),
  z.strictObject({
    actions: z.array(z.enum(['resume', 'retry'])).min(1),
    texts: z.strictObject({ en: SaidBothWays, ko: SaidBothWays, 'zh-CN': SaidBothWays }),
  }),
);

export const omsCatalogue: ProviderCatalogue = {
  serviceCodes: OmsCatalogueSchema.parse(omsErrorCodes),
  gatewayCodes: GATEWAY_CODES,
  classes,
  translations: { ko, 'zh-CN': zhCN },
  family: { pattern: /^(S3M|TRF|CMM|OMS|OMS_INTERNAL|APIGW)\./, catalogue: 'oms' },
  consoleFixes: ConsoleFixesSchema.parse(consoleFixes),
};
