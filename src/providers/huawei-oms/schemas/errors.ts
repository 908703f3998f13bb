import { z } from 'zod';
import { text } from './parts.js';

// Errors and IAM.

/** `{"error_code": "...", "error_msg": "...", "request_id": "..."}`, or the SDK's `{error:{code,message}}`. */
export const omsErrorBodySchema = z.looseObject({
  error_code: text,
  error_msg: text,
  request_id: text,
  error: z
    .looseObject({
      code: z.union([z.string(), z.number().transform(String)]).nullish(),
      message: text,
    })
    .nullish(),
});

/** IAM POST /v3/auth/tokens response body (the token itself is in X-Subject-Token). */
export const iamTokenRespSchema = z.looseObject({
  token: z.looseObject({ expires_at: z.string(), issued_at: z.string().optional() }),
});
