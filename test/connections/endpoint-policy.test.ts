import { describe, expect, it } from 'vitest';
import { checkEndpoint, parseAllowList } from '../../src/connections/endpoint-policy.js';

const ok = (
  provider: 'huawei-oms' | 'ncp' | 'upcloud',
  url: string,
  kind: 'api' | 'iam' = 'api',
  allow: string[] = [],
) => checkEndpoint(provider, kind, url, allow);

describe('SSRF guard for endpoints typed into Slack', () => {
  it('accepts the documented hosts', () => {
    expect(ok('huawei-oms', 'https://oms.cn-north-4.myhuaweicloud.com')).toEqual({
      ok: true,
      url: 'https://oms.cn-north-4.myhuaweicloud.com',
    });
    expect(ok('huawei-oms', 'https://oms.ap-southeast-1.myhuaweicloud.com/').ok).toBe(true);
    expect(ok('huawei-oms', 'https://oms.sa-brazil-1.myhuaweicloud.com:443').ok).toBe(true);
    expect(ok('huawei-oms', 'https://iam.myhuaweicloud.com', 'iam').ok).toBe(true);
    expect(ok('huawei-oms', 'https://iam.cn-north-4.myhuaweicloud.com', 'iam').ok).toBe(true);
    expect(ok('ncp', 'https://objectmigration.apigw.ntruss.com').ok).toBe(true);
    expect(ok('upcloud', 'https://api.upcloud.com').ok).toBe(true);
  });

  it.each([
    ['http://oms.cn-north-4.myhuaweicloud.com', /https:\/\//],
    ['https://oms.cn-north-4.myhuaweicloud.com:8443', /default HTTPS port/],
    ['https://169.254.169.254', /not a huawei-oms host/],
    ['https://127.0.0.1', /not a huawei-oms host/],
    ['https://localhost', /not a huawei-oms host/],
    ['https://oms.cn-north-4.myhuaweicloud.com.evil.example', /not a huawei-oms host/],
    ['https://evil.example/oms.cn-north-4.myhuaweicloud.com', /not a huawei-oms host/],
    ['https://user:pw@oms.cn-north-4.myhuaweicloud.com', /user name or password/],
    ['https://oms.cn-north-4.myhuaweicloud.com/v2?x=1', /query string/],
    ['https://oms.cn-north-4.myhuaweicloud.com/some/path', /without a path/],
    ['file:///etc/passwd', /https:\/\//],
    ['oms.cn-north-4.myhuaweicloud.com', /not a URL/],
    ['https://iam.myhuaweicloud.com', /not a huawei-oms host/],
  ])('refuses %s with a precise reason', (url, reason) => {
    const verdict = ok('huawei-oms', url);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.message).toMatch(reason);
  });

  it('names the allow-list for hosts it does not know, and the allow-list admits them (http, any port)', () => {
    const refused = ok('upcloud', 'http://127.0.0.1:9101');
    expect(refused.ok).toBe(false);
    const allowed = ok('upcloud', 'http://127.0.0.1:9101/', 'api', ['http://127.0.0.1:9101']);
    expect(allowed).toEqual({ ok: true, url: 'http://127.0.0.1:9101' });
    expect(ok('upcloud', 'http://127.0.0.1:9102', 'api', ['http://127.0.0.1:9101']).ok).toBe(false);
    expect(ok('ncp', 'https://gw.internal/objmig/v1', 'api', ['https://gw.internal/objmig']).ok).toBe(true);
    expect(ok('ncp', 'https://gw.internal/other', 'api', ['https://gw.internal/objmig']).ok).toBe(false);
    const iam = ok('huawei-oms', 'https://iam.example.com', 'iam');
    expect(iam.ok).toBe(false);
    if (!iam.ok) expect(iam.message).toContain('MIGRATE_BOT_ALLOWED_ENDPOINTS');
  });

  it('parses the allow-list and reports bad entries', () => {
    expect(parseAllowList('http://127.0.0.1:1, https://gw.internal/x').entries.map((u) => u.origin)).toEqual([
      'http://127.0.0.1:1',
      'https://gw.internal',
    ]);
    expect(parseAllowList('ftp://x, https://u:p@h').problems).toHaveLength(2);
    expect(parseAllowList(undefined)).toEqual({ entries: [], problems: [] });
  });
});
