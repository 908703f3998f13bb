import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESOURCE_KINDS } from '../../src/domain/migration-resource.js';
import { channelKey, healthKey, watchKey, watchTargetOf } from '../../src/watcher/watch-store.js';

// The poll cycle groups watches by connection from their keys alone, before reading any record.
describe('watchTargetOf', () => {
  it('gives back the target of every watch key, whatever characters its parts hold', () => {
    fc.assert(
      fc.property(
        fc.record({
          teamId: fc.string(),
          channelId: fc.string(),
          connection: fc.string(),
          kind: fc.constantFrom(...RESOURCE_KINDS),
          id: fc.string(),
        }),
        (target) => {
          expect(watchTargetOf(watchKey(target))).toEqual(target);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('is undefined for keys of another shape', () => {
    for (const key of [
      healthKey('hw'),
      channelKey('T1', 'C1'),
      'w:a:b:c',
      'w:a:b:c:d:e:f',
      'w:%E0:b:c:task:x',
    ])
      expect(watchTargetOf(key)).toBeUndefined();
  });
});
