import type { FieldWords } from './form-result.js';

/**
 * S3 bucket naming rules, checked in the create forms before an approver sees a request the service would
 * refuse. The seeds only say "String": these are Amazon S3's general-purpose rules, which OBS, NCP Object
 * Storage and UpCloud's S3 API follow; only what all refuse is refused, so no valid name is blocked. The
 * message sits by the field, so it states the rule rather than repeating what was typed.
 */
export interface BucketNameRules {
  /** How the form names the service ("OBS", "NCP Object Storage"). */
  service: string;
  /** OBS also refuses a period next to a hyphen (`my-.bucket`). */
  noPeriodNextToHyphen?: boolean;
}

export function bucketNameProblem(name: string, rules: BucketNameRules): string | undefined {
  return bucketNameRule(name, rules)?.english;
}

/** The rule `name` breaks, in English and as its words (`create.bucket.*`) for the create forms. */
export function bucketNameRule(
  name: string,
  rules: BucketNameRules,
): { english: string; words: FieldWords } | undefined {
  const { service } = rules;
  const said = (english: string, rule: string, values: Record<string, string | number> = {}) => ({
    english,
    words: { key: `create.bucket.${rule}`, values: { service, ...values } },
  });
  if (name.length < 3 || name.length > 63)
    return said(`${service} bucket names have 3 to 63 characters (this one has ${name.length}).`, 'length', {
      length: name.length,
    });
  if (!/^[a-z0-9.-]+$/.test(name))
    return said(
      `${service} bucket names use only lowercase letters, digits, hyphens (-) and periods (.).`,
      'chars',
    );
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return said(`A ${service} bucket name starts and ends with a letter or a digit.`, 'ends');
  if (name.includes('..')) return said(`A ${service} bucket name has no two periods together.`, 'periods');
  if (rules.noPeriodNextToHyphen && (name.includes('.-') || name.includes('-.')))
    return said(
      `A ${service} bucket name has no two periods together and no period next to a hyphen.`,
      'periodHyphen',
    );
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name))
    return said(`A ${service} bucket name cannot be an IP address.`, 'ip');
  return undefined;
}
