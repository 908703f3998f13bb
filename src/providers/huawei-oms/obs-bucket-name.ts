import { bucketNameProblem, bucketNameRule } from '../bucket-names.js';

/**
 * OBS bucket naming rules, for the destination bucket and a list file's bucket (both are OBS):
 * S3's rules plus OBS's own "no period next to a hyphen" ("Bucket Naming Rules" in the OBS user
 * guide and SDKs).
 */
export function obsBucketNameProblem(name: string): string | undefined {
  return bucketNameProblem(name, { service: 'OBS', noPeriodNextToHyphen: true });
}

export function obsBucketNameRule(name: string): ReturnType<typeof bucketNameRule> {
  return bucketNameRule(name, { service: 'OBS', noPeriodNextToHyphen: true });
}
