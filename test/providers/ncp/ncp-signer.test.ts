import { describe, expect, it } from 'vitest';
import { ncpSignatureMatches, ncpStringToSign, signNcpRequest } from '../../../src/providers/ncp/signer.js';

// The two self-computed vectors of reference/providers.md §1.7.
const KEYS = { accessKey: 'TESTACCESSKEY', secretKey: 'TESTSECRETKEY' };
const TIMESTAMP = '1700000000000';

describe('NCP API Gateway signature v2', () => {
  it.each([
    [
      'vector 1 (GET with a query string)',
      'GET',
      '/migration-api/v1/policies?order=title&sortBy=asc&limit=3&page=0',
      '43Br4OBS1QNqevVOT5F3aIRIT3+iJ2zt279ztHLeeds=',
    ],
    [
      'vector 2 (POST pause)',
      'POST',
      '/migration-api/v1/policy/migrationpolicy/pause',
      'nb119jJTVXubAT+rQEckVPzJI8Ty4fKJMCjIer+iqcg=',
    ],
  ])('reproduces %s', (_vector, method, uri, signature) => {
    const request = { method, uri, timestamp: TIMESTAMP, accessKey: KEYS.accessKey };
    expect(signNcpRequest(request, KEYS.secretKey)).toBe(signature);
  });

  it('builds the string to sign with one space, LF separators and no trailing newline', () => {
    expect(ncpStringToSign({ method: 'post', uri: '/a?b=1', timestamp: TIMESTAMP, accessKey: 'AK' })).toBe(
      'POST /a?b=1\n1700000000000\nAK',
    );
  });

  it('signs the method actually sent: POST signed as GET is a different signature', () => {
    const uri = '/migration-api/v1/policy/migrationpolicy/pause';
    const asPost = signNcpRequest({ method: 'POST', uri, timestamp: TIMESTAMP, ...KEYS }, KEYS.secretKey);
    const asGet = signNcpRequest({ method: 'GET', uri, timestamp: TIMESTAMP, ...KEYS }, KEYS.secretKey);
    expect(asGet).not.toBe(asPost);
  });

  it('compares signatures exactly', () => {
    expect(ncpSignatureMatches('abc=', 'abc=')).toBe(true);
    expect(ncpSignatureMatches('abc=', 'abd=')).toBe(false);
    expect(ncpSignatureMatches('abc', 'abc=')).toBe(false);
  });
});
