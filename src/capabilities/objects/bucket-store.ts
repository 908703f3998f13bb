import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { BucketAccess } from '../../object-store/object-store.js';
import { S3ObjectStore } from '../../object-store/s3-object-store.js';

/**
 * The one way this folder reaches a bucket: through the outbound endpoint rule (the allow-list,
 * internal addresses refused at connect time) and the listing bounds on the bot's clock.
 */
export function bucketStore(config: Pick<Config, 'allowedEndpoints'>, clock: Clock) {
  return (side: { access: BucketAccess }) =>
    new S3ObjectStore(side.access, { allowedEndpoints: config.allowedEndpoints, now: () => clock.now() });
}
