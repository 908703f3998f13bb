import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapTask } from '../../src/providers/huawei-oms/map.js';
import { taskRespSchema } from '../../src/providers/huawei-oms/schemas.js';
import { optionalPaths, showPath, withPaths } from '../fixtures/null-paths.js';
import { SEED_TASK } from '../fixtures/oms-seed-responses.js';
import { RESPONSE_CASES } from '../fixtures/provider-response-cases.js';

// The contract between the providers' documented responses and the clients: every example response
// of seed 002 (OMS), seed 000 (NCP) and the inferred UpCloud job reads with the schema the client uses
// and maps into a resource; and any field that may be missing may also be `null` (issue #11, defect 1:
// one null used to empty a whole ListTasks page).

function parseAndMap(c: (typeof RESPONSE_CASES)[number], value: unknown): void {
  const parsed = c.schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new Error(`${c.provider} ${c.name} did not parse: ${issues}`);
  }
  c.map?.(parsed.data as never);
}

describe('every documented example response', () => {
  for (const c of RESPONSE_CASES) {
    it(`${c.provider} ${c.name} parses and maps`, () => {
      expect(() => parseAndMap(c, c.example)).not.toThrow();
    });
  }
});

describe('null wherever a value is optional (all three providers)', () => {
  for (const c of RESPONSE_CASES) {
    const paths = optionalPaths(c.schema, c.example);
    if (paths.length === 0) continue;

    it(`${c.provider} ${c.name}: each optional field alone as null`, () => {
      const refused = paths.filter(
        (path) => !c.schema.safeParse(withPaths(c.example, [path], 'null')).success,
      );
      expect(refused.map(showPath), 'optional fields that refuse null').toEqual([]);
    });

    it(`${c.provider} ${c.name}: any set of optional fields as null still parses and maps`, () => {
      fc.assert(
        fc.property(fc.subarray(paths, { minLength: 1 }), (chosen) => {
          parseAndMap(c, withPaths(c.example, chosen, 'null'));
        }),
        { numRuns: 60 },
      );
      parseAndMap(c, withPaths(c.example, paths, 'null'));
    });
  }

  it('finds the optional fields of a task (the ListTasks example has ~40)', () => {
    const paths = optionalPaths(taskRespSchema, SEED_TASK).map(showPath);
    expect(paths).toContain('src_node.app_id');
    expect(paths).toContain('description');
    expect(paths).not.toContain('id');
    expect(paths.length).toBeGreaterThan(35);
  });
});

describe('statuses the code does not know', () => {
  it('keep the raw value instead of failing: OMS task status 0 (as the seed prints) and 42', () => {
    expect(mapTask(taskRespSchema.parse(SEED_TASK), 'hw')).toMatchObject({
      state: 'unknown',
      rawStatus: '0',
    });
    const odd = mapTask(taskRespSchema.parse({ ...SEED_TASK, status: 42 }), 'hw');
    expect(odd).toMatchObject({ state: 'unknown', rawStatus: '42' });
    const text = mapTask(taskRespSchema.parse({ ...SEED_TASK, status: 'MIGRATING_V3' }), 'hw');
    expect(text).toMatchObject({ state: 'unknown', rawStatus: 'MIGRATING_V3' });
    // A status given as a string of digits is still the documented status.
    expect(mapTask(taskRespSchema.parse({ ...SEED_TASK, status: '2' }), 'hw').state).toBe('running');
  });
});
