import { describe, expect, it } from 'vitest';
import {
  bandwidthCommand,
  parseBandwidthWindowWord,
} from '../../src/capabilities/bandwidth/bandwidth-command.js';
import { parseBandwidthWindow } from '../../src/providers/bandwidth-grammar.js';
import { parseOmsBandwidth } from '../../src/providers/huawei-oms/create-form.js';

const MB = 1024 ** 2;

/**
 * One bandwidth grammar for the create form (one window per line) and `/migrate bandwidth` (one
 * window per word). Before, the command refused `–`/`to`/`@`/`at` separators the form accepted.
 */
describe('one bandwidth grammar, both surfaces', () => {
  const superset = ['0:00–6:00@200MiB/s', '22:00to23:30at1.5MBps', '12:00-13:00=2048kb'];
  const expected = [
    { start: '00:00', end: '06:00', maxBytesPerSecond: 200 * MB },
    { start: '22:00', end: '23:30', maxBytesPerSecond: 1.5 * MB },
    { start: '12:00', end: '13:00', maxBytesPerSecond: 2 * MB },
  ];

  it('the grammar reads every spelling either surface ever accepted', () => {
    expect(superset.map(parseBandwidthWindow)).toEqual(expected);
    expect(parseBandwidthWindow('00:00-06:00=200MB/s')).toEqual(expected[0]);
    expect(parseBandwidthWindow('00:00 - 06:00 = 200 MB/s')).toEqual(expected[0]);
    expect(parseBandwidthWindow('00:00-06:00 200MB/s')).toBeUndefined();
    expect(parseBandwidthWindow('00:00-06:00=200ib')).toBeUndefined();
  });

  it('the create form takes the same windows, one per line', () => {
    expect(parseOmsBandwidth(superset.join('\n'))).toEqual({ ok: true, windows: expected });
  });

  it('/migrate bandwidth takes the same windows, one per word', () => {
    expect(superset.map(parseBandwidthWindowWord)).toEqual(expected);
    expect(() => bandwidthCommand.check(['hw-prod:1912', ...superset], false)).not.toThrow();
    expect(() => bandwidthCommand.check(['1912', '00:00-06:00'], false)).toThrow(
      /"00:00-06:00" is not a bandwidth window/,
    );
  });
});
