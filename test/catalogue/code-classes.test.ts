import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_CODES,
  CODE_CLASSES,
  type CodeClass,
  classificationReason,
  classifiedCodes,
  classifyCode,
  mainAction,
  NEXT_STEPS,
} from '../../src/catalogue/code-classes.js';
import { explain, gatewayEntries } from '../../src/catalogue/explain.js';
import omsErrorCodes from '../../src/catalogue/oms-error-codes.json' with { type: 'json' };
import { providerDefinitions } from '../../src/providers/registry.js';

describe('the class table covers the catalogue exactly', () => {
  it("gives every code a class: each registered provider's table and gateway codes", () => {
    const declared = providerDefinitions().flatMap((d) => [
      ...(d.catalogue?.serviceCodes ?? []),
      ...(d.catalogue?.gatewayCodes ?? []),
    ]);
    const codes = new Set(declared.map((e) => e.code));
    for (const code of [...omsErrorCodes, ...gatewayEntries].map((e) => e.code))
      expect(codes.has(code), code).toBe(true);
    expect(codes.size).toBeGreaterThanOrEqual(328);
    const unclassified = [...codes].filter((c) => classifyCode(c) === 'unknown');
    expect(unclassified).toEqual([]);
    expect(new Set(CATALOGUE_CODES)).toEqual(codes);
  });

  it('has no entry for a code that is not in the catalogue', () => {
    const strays = classifiedCodes().filter((c) => explain(c)?.code !== c);
    expect(strays).toEqual([]);
    expect(classifiedCodes().length).toBe(CATALOGUE_CODES.length);
  });

  it('uses every class, and unknown codes are unknown', () => {
    const used = new Set(CATALOGUE_CODES.map(classifyCode));
    expect([...used].sort()).toEqual([...CODE_CLASSES].sort());
    expect(classifyCode('OMS.4242')).toBe('unknown');
    expect(classifyCode('')).toBe('unknown');
    expect(classifyCode(undefined)).toBe('unknown');
  });
});

describe('classification, spot-checked against the catalogue text', () => {
  const expected: Array<[string, CodeClass]> = [
    // "The account corresponding to the entered AK/SK does not have the permissions…": keys work.
    ['TRF.0051', 'permissions'],
    ['TRF.0052', 'permissions'],
    ['TRF.0054', 'permissions'],
    ['TRF.0152', 'permissions'],
    ['OMS.0206', 'permissions'],
    ['NCP.210', 'permissions'],
    ['FORBIDDEN', 'permissions'],
    // Keys wrong, expired or invalid.
    ['TRF.0057', 'credentials'],
    ['TRF.0151', 'credentials'],
    ['TRF.0015', 'credentials'],
    ['APIGW.0301', 'credentials'],
    ['APIGW.0307', 'credentials'],
    ['NCP.200', 'credentials'],
    ['AUTHENTICATION_FAILED', 'credentials'],
    ['OMS.9999', 'credentials'],
    // Missing bucket, object, list file.
    ['TRF.0155', 'not-found'],
    ['TRF.0058', 'not-found'],
    ['TRF.0013', 'not-found'],
    ['S3M.1042', 'not-found'],
    ['RESOURCE_NOT_FOUND', 'not-found'],
    // "Waiting for task execution timed out. Click Restart": a service-side fault.
    ['TRF.0003', 'transient'],
    ['TRF.0001', 'transient'],
    ['OMS.2004', 'transient'],
    ['TRF.0157', 'transient'],
    ['NCP.500', 'transient'],
    ['OMS.0161', 'network'],
    ['OMS.0184', 'network'],
    ['NCP.510', 'network'],
    ['TRF.0055', 'quota'],
    ['TRF.0056', 'quota'],
    ['TRF.0063', 'quota'],
    ['TRF.0159', 'quota'],
    ['OMS.1021', 'quota'],
    ['APIGW.0308', 'quota'],
    ['INSUFFICIENT_CREDITS', 'quota'],
    ['TRF.0004', 'partial'],
    ['TRF.0062', 'partial'],
    ['OMS.0063', 'state'],
    ['OMS.1039', 'state'],
    ['RESOURCE_CONFLICT', 'state'],
    ['TRF.0060', 'configuration'],
    ['TRF.0065', 'configuration'],
    ['TRF.0158', 'configuration'],
    ['OMS.0078', 'configuration'],
    ['BAD_REQUEST', 'configuration'],
  ];
  it.each(expected)('%s is %s', (code, codeClass) => {
    expect(classifyCode(code)).toBe(codeClass);
  });

  it('accepts the spellings explain accepts', () => {
    expect(classifyCode('trf.0051')).toBe('permissions');
    expect(classifyCode('ncp:200')).toBe('credentials');
    expect(classifyCode('ERROR_FORBIDDEN')).toBe('permissions');
  });

  it('writes down why a borderline code sits where it does', () => {
    expect(classificationReason('TRF.0015')).toMatch(/Azure/);
    expect(classificationReason('OMS.1041')).toMatch(/another account/);
    expect(classificationReason('TRF.0057')).toBeUndefined();
    expect(classificationReason('OMS.4242')).toBeUndefined();
  });
});

describe('next step per class', () => {
  it('declares one for every class, unknown included', () => {
    for (const c of [...CODE_CLASSES, 'unknown' as const]) {
      expect(NEXT_STEPS[c].advice.length, c).toBeGreaterThan(20);
    }
  });

  it('offers Retry or Resume as the main button only where retrying can help', () => {
    // Issue 51: a fix that needs a change first (keys, a setting) does not lead with Resume, which
    // fails the same way again; someone takes it on first ("I'm on it").
    for (const c of [...CODE_CLASSES, 'unknown' as const]) {
      const step = NEXT_STEPS[c];
      const retries = step.main.filter((a) => a === 'retry' || a === 'resume');
      if (!step.retryHelps) expect(retries, c).toEqual([]);
      if (!step.retryHelps && c !== 'unknown') expect(step.main.at(-1), c).toBe('claim');
    }
    expect(NEXT_STEPS.partial.main[0]).toBe('retry');
    expect(NEXT_STEPS.transient.main[0]).toBe('resume');
    expect(NEXT_STEPS.network.main[0]).toBe('resume');
    expect(NEXT_STEPS.credentials.main).toEqual(['fix-connection-keys', 'claim']);
  });

  it('picks the first next-step action the reader is offered', () => {
    const card = ['pause', 'resume', 'retry', 'delete'];
    expect(mainAction('credentials', [...card, 'fix-connection-keys'])).toBe('fix-connection-keys');
    // A non-admin cannot fix the keys: they take it on (and ask an admin); Resume would fail again.
    expect(mainAction('credentials', card)).toBeUndefined();
    expect(mainAction('credentials', [...card, 'claim'])).toBe('claim');
    expect(mainAction('configuration', [...card, 'claim'])).toBe('claim');
    expect(mainAction('transient', [...card, 'claim'])).toBe('resume');
    expect(mainAction('partial', card)).toBe('retry');
    expect(mainAction('partial', ['resume'])).toBe('resume');
    expect(mainAction('transient', card)).toBe('resume');
    expect(mainAction('permissions', card)).toBeUndefined();
    expect(mainAction('configuration', card)).toBeUndefined();
    expect(mainAction('quota', card)).toBeUndefined();
    expect(mainAction('unknown', card)).toBeUndefined();
  });
});
