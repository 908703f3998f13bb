/**
 * OBS bucket naming rules, for the destination bucket and a list file's bucket (both are OBS). The
 * seeds only say "String"; these are OBS's published rules ("Bucket Naming Rules" in the OBS user
 * guide and SDKs): OBS rejects any other name, so the form says so before an approver sees it. The
 * message sits next to the field, so it says the rule rather than repeating what was typed.
 */
export function obsBucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63)
    return `OBS bucket names have 3 to 63 characters (this one has ${name.length}).`;
  if (!/^[a-z0-9.-]+$/.test(name))
    return 'OBS bucket names use only lowercase letters, digits, hyphens (-) and periods (.).';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return 'An OBS bucket name starts and ends with a letter or a digit.';
  if (name.includes('..') || name.includes('.-') || name.includes('-.'))
    return 'An OBS bucket name has no two periods together and no period next to a hyphen.';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'An OBS bucket name cannot be an IP address.';
  return undefined;
}
