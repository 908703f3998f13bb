import { describe, expect, it } from 'vitest';
import { canonicalQueryString } from '../../../src/providers/http/encode.js';
import {
  canonicalRequest,
  canonicalUri,
  formatSdkDate,
  parseHuaweiAuthorization,
  signHuaweiRequest,
} from '../../../src/providers/huawei-oms/signer.js';

// The official vector from Huawei's API Request Signing Guide (reference/providers.md §3.1).
const vector = {
  method: 'GET',
  path: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
  canonicalQuery: canonicalQueryString({ marker: '13551d6b-755d-4757-b956-536f674975c0', limit: 2 }),
  headers: {
    'Content-Type': 'application/json',
    Host: 'service.region.example.com',
    'X-Sdk-Date': '20191115T033655Z',
  },
  body: undefined,
};

describe('Huawei SDK-HMAC-SHA256 signer', () => {
  it('builds the canonical request of the official vector', () => {
    const { canonical, signedHeaders } = canonicalRequest(vector);
    expect(canonical).toBe(
      [
        'GET',
        '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/',
        'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
        'content-type:application/json',
        'host:service.region.example.com',
        'x-sdk-date:20191115T033655Z',
        '',
        'content-type;host;x-sdk-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(signedHeaders).toBe('content-type;host;x-sdk-date');
  });

  it('reproduces the official signature', () => {
    const authorization = signHuaweiRequest(
      vector,
      'QTWAOYTTINDUT2QVKYUC',
      'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
    );
    expect(authorization).toBe(
      'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    );
    expect(parseHuaweiAuthorization(authorization)).toEqual({
      accessKey: 'QTWAOYTTINDUT2QVKYUC',
      signedHeaders: ['content-type', 'host', 'x-sdk-date'],
      signature: '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    });
  });

  it('changes the signature when the body changes', () => {
    const a = signHuaweiRequest({ ...vector, method: 'POST', body: '{"a":1}' }, 'AK', 'SK');
    const b = signHuaweiRequest({ ...vector, method: 'POST', body: '{"a":2}' }, 'AK', 'SK');
    expect(a).not.toBe(b);
  });

  it('encodes query and path by RFC 3986 and keeps empty values', () => {
    expect(canonicalQueryString({ b: 'x y', A: "it's", parm2: '' })).toBe('A=it%27s&b=x%20y&parm2=');
    expect(canonicalUri('/v2/p 1/tasks')).toBe('/v2/p%201/tasks/');
  });

  it('formats X-Sdk-Date in basic ISO form', () => {
    expect(formatSdkDate(new Date(Date.UTC(2019, 10, 15, 3, 36, 55, 123)))).toBe('20191115T033655Z');
  });

  it('refuses to sign without X-Sdk-Date', () => {
    expect(() => signHuaweiRequest({ ...vector, headers: { Host: 'h' } }, 'AK', 'SK')).toThrow(/X-Sdk-Date/);
  });
});
