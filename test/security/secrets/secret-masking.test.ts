import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../../src/secrets.js';
import { scrubPayload } from '../../../src/slack/sender.js';
import { FUZZ_RUNS } from '../fuzz/fuzz-settings.js';
import { checkPayloadMasking } from './payload-masking-property.js';

/**
 * Payload masking (issue #10, defect 1): whatever the secrets and whatever the payload, scrubbing
 * changes string values only, keeps the shape (same keys, same non-string values, same JSON
 * validity), never throws, and leaves no secret in a string. A workspace's secret never changes
 * another workspace's payload.
 */

const MASK = '••••••';
/** The property's first cases (same seed as the heavy run): a few seconds. */
const QUICK_RUNS = Math.min(FUZZ_RUNS, 5_000);

describe('payload masking', () => {
  // The full 100,000 cases run with the heavy suites (secret-masking-fuzz.test.ts).
  it(`changes only string values, keeps the shape and JSON validity, never throws, leaves no secret (${QUICK_RUNS.toLocaleString('en-US')} cases)`, () => {
    checkPayloadMasking(QUICK_RUNS);
  }, 60_000);

  it('examples: a secret like `"blocks":` or a word is masked inside strings only', () => {
    const registry = new SecretRegistry();
    registry.addForTeam('T0OWNER01', '"blocks":');
    registry.addForTeam('T0OWNER01', 'running');
    const payload = {
      text: 'still running',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'raw {"blocks":[]} and running' } }],
      response_type: 'ephemeral',
    };
    expect(scrubPayload(registry.forTeam('T0OWNER01'), payload)).toEqual({
      text: `still ${MASK}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `raw {${MASK}[]} and ${MASK}` } }],
      response_type: 'ephemeral',
    });
    expect(scrubPayload(registry.forTeam('T0OTHER01'), payload)).toBe(payload);
  });

  it('odd payloads: a cycle, a throwing getter, symbol and hidden keys are kept; nothing throws', () => {
    const registry = new SecretRegistry();
    registry.add('secret-value-1');
    const tag = Symbol('tag');
    const payload: Record<PropertyKey, unknown> = { text: 'has secret-value-1', [tag]: 'secret-value-1' };
    payload.self = payload;
    Object.defineProperty(payload, 'hidden', { value: 'kept', enumerable: false });
    Object.defineProperty(payload, 'broken', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const masked = scrubPayload(registry.forTeam(undefined), payload);
    expect(masked === payload).toBe(false);
    expect(masked.text).toBe(`has ${MASK}`);
    expect(masked.self).toBe(payload); // the cycle points back at the original, as it was walked
    expect(masked[tag]).toBe('secret-value-1'); // symbols are never sent to Slack
    expect(Object.getOwnPropertyDescriptor(masked, 'hidden')?.value).toBe('kept');
    expect(() => Object.getOwnPropertyDescriptor(masked, 'broken')?.get?.()).toThrow('getter');
    expect(payload.text).toBe('has secret-value-1');
  });

  it('overlapping secrets are masked as one, with nothing of either left', () => {
    const registry = new SecretRegistry();
    registry.add('abcdef-123');
    registry.add('123-ghijkl');
    expect(registry.forTeam(undefined).text('x abcdef-123-ghijkl y')).toBe(`x ${MASK} y`);
  });

  it('log lines: every workspace masked, the line stays JSON whatever the secret', () => {
    const registry = new SecretRegistry();
    registry.addForTeam('T0OWNER01', '","level":');
    registry.addForTeam('T0OTHER01', 'other-team-secret');
    const line = `${JSON.stringify({ level: 30, msg: 'x","level": and other-team-secret', 'other-team-secret': 1 })}\n`;
    const scrubbed = registry.scrubLogLine(line);
    expect(scrubbed.endsWith('\n')).toBe(true);
    expect(JSON.parse(scrubbed)).toEqual({ level: 30, msg: `x${MASK} and ${MASK}`, [MASK]: 1 });
  });
});
