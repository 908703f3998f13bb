import { z } from 'zod';
import { BUCKET_CLOUD_TYPES } from './schemas.js';

/** Where the bucket queries of the create modal look: the source cloud (keys from `storage.source`). */
export const omsBucketSourceSchema = z.strictObject({
  cloudType: z.enum(BUCKET_CLOUD_TYPES),
  region: z.string().max(100).optional(),
  bucket: z.string().max(100).optional(),
  appId: z.string().max(255).optional(),
});
export type OmsBucketSource = z.input<typeof omsBucketSourceSchema>;
