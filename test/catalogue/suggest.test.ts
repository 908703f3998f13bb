import { describe, expect, it } from 'vitest';
import { editDistance, lookUpCode } from '../../src/catalogue/suggest.js';

describe('lookUpCode', () => {
  it('takes codes as the catalogue writes them, whatever the case', () => {
    expect(lookUpCode('TRF.0015')).toEqual({ kind: 'exact', code: 'TRF.0015' });
    expect(lookUpCode('Trf.0015')).toEqual({ kind: 'exact', code: 'TRF.0015' });
    expect(lookUpCode(' oms.0063 ')).toEqual({ kind: 'exact', code: 'OMS.0063' });
    expect(lookUpCode('ncp:200')).toEqual({ kind: 'exact', code: 'NCP.200' });
    expect(lookUpCode('ERROR_FORBIDDEN')).toEqual({ kind: 'exact', code: 'FORBIDDEN' });
    expect(lookUpCode('TRF.0015.')).toEqual({ kind: 'exact', code: 'TRF.0015' });
  });

  it.each([
    ['trf.15', 'TRF.0015'],
    ['TRF15', 'TRF.0015'],
    ['trf 15', 'TRF.0015'],
    ['TRF-0015', 'TRF.0015'],
    ['trf.00015', 'TRF.0015'],
    ['s3m.72', 'S3M.0072'],
    ['S3M72', 'S3M.0072'],
    ['apigw.301', 'APIGW.0301'],
    ['NCP.0200', 'NCP.200'],
    ['ncp 200', 'NCP.200'],
    ['oms_internal.2000', 'OMS_INTERNAL.002000'],
    ['oms internal 2000', 'OMS_INTERNAL.002000'],
    ['insufficient credits', 'INSUFFICIENT_CREDITS'],
    ['resource-not-found', 'RESOURCE_NOT_FOUND'],
  ])('corrects padding and prefix spelling: %s → %s', (typed, code) => {
    expect(lookUpCode(typed)).toEqual({ kind: 'corrected', code, typed });
  });

  it('corrects one typo when only one code is that close', () => {
    expect(lookUpCode('TFR.0015')).toMatchObject({ kind: 'corrected', code: 'TRF.0015' });
    expect(lookUpCode('S3N.72')).toMatchObject({ kind: 'corrected', code: 'S3M.0072' });
    expect(lookUpCode('forbiden')).toMatchObject({ kind: 'corrected', code: 'FORBIDDEN' });
    expect(lookUpCode('OMS_INTERNL.002000')).toMatchObject({
      kind: 'corrected',
      code: 'OMS_INTERNAL.002000',
    });
  });

  it('lists up to three codes when several are as close', () => {
    // A typo'd prefix that is one letter from two prefixes with that number.
    expect(lookUpCode('OMM.0151')).toEqual({
      kind: 'suggestions',
      codes: ['CMM.0151', 'OMS.0151'],
      typed: 'OMM.0151',
    });
    // A number that is not in the catalogue: its neighbours, at most three.
    const near = lookUpCode('OMS.0003');
    expect(near).toEqual({
      kind: 'suggestions',
      codes: ['OMS.0001', 'OMS.0002', 'OMS.0004'],
      typed: 'OMS.0003',
    });
    expect(lookUpCode('TRF.0105')).toMatchObject({ kind: 'suggestions', codes: ['TRF.0015', 'TRF.0155'] });
    // A bare number: the codes that carry it.
    expect(lookUpCode('1')).toMatchObject({
      kind: 'suggestions',
      codes: ['OMS.0001', 'S3M.0001', 'TRF.0001'],
    });
    expect(lookUpCode('15')).toMatchObject({ kind: 'corrected', code: 'TRF.0015' });
  });

  it('says unknown when nothing is close', () => {
    expect(lookUpCode('XYZ.0015')).toEqual({ kind: 'unknown', typed: 'XYZ.0015' });
    expect(lookUpCode('TRF.9999')).toEqual({ kind: 'unknown', typed: 'TRF.9999' });
    expect(lookUpCode('hello')).toEqual({ kind: 'unknown', typed: 'hello' });
    expect(lookUpCode('')).toEqual({ kind: 'unknown', typed: '' });
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one step each', () => {
    expect(editDistance('TRF', 'TRF')).toBe(0);
    expect(editDistance('TFR', 'TRF')).toBe(1);
    expect(editDistance('TR', 'TRF')).toBe(1);
    expect(editDistance('TRX', 'TRF')).toBe(1);
    expect(editDistance('OMS', 'TRF')).toBe(3);
    expect(editDistance('', 'ABC')).toBe(3);
  });
});
