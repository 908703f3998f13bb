import { describe, it } from 'vitest';
import { checkPayloadMasking } from '../secrets/payload-masking-property.js';
import { FUZZ_RUNS } from './fuzz-settings.js';

// The full count of the property secret-masking.test.ts checks on its first cases (`npm test`).
describe(`payload masking (${FUZZ_RUNS.toLocaleString('en-US')} cases)`, () => {
  it('changes only string values, keeps the shape and JSON validity, never throws, leaves no secret', () => {
    checkPayloadMasking(FUZZ_RUNS);
  }, 300_000);
});
