import fc from 'fast-check';
import { expect } from 'vitest';
import { SecretRegistry } from '../../../src/secrets.js';
import { scrubPayload } from '../../../src/slack/sender.js';
import { FUZZ_OPTIONS } from '../fuzz/fuzz-settings.js';

/**
 * The payload-masking property (issue #10, defect 1), run by two files: secret-masking.test.ts
 * (`npm test`) on the first few thousand cases and secret-masking-fuzz.test.ts (the heavy suites)
 * on all of them. The seed is the same, so the quick run's cases are the first of the full run's.
 */

/** Printable text with the characters that matter to JSON and to regular expressions. */
const text = fc.string({
  unit: fc.constantFrom(...'ab "\\:{}[],.*+?^$()|\n\t\u2028é😀'.split(''), 'a', 'b', 'c'),
  maxLength: 12,
});
const secret = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ab "\\:{}[],.*+?^$()|\n'.split('')), minLength: 4, maxLength: 12 }),
  fc.constantFrom('"blocks":', 'running', '"text":"', '\\"', '}]}', 'section', 'mrkdwn'),
);

/** A payload whose strings and keys are built from the secrets and other text. */
function payloadWith(secrets: string[]) {
  const piece = fc.oneof(text, fc.constantFrom(...secrets));
  const str = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));
  return fc.anything({
    key: fc.oneof(str, fc.constantFrom('__proto__', 'constructor', 'blocks', 'text')),
    values: [str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)],
    maxDepth: 4,
    withNullPrototype: true,
    withSparseArray: true,
    withDate: true,
    withMap: true,
    withBoxedValues: true,
    withTypedArray: true,
    withBigInt: true,
  });
}

const cases = fc
  .uniqueArray(secret, { minLength: 1, maxLength: 4 })
  .chain((secrets) => fc.tuple(fc.constant(secrets), payloadWith(secrets)));

/**
 * Same shape: same types and keys throughout, non-strings identical, strings free of secrets. Plain
 * checks rather than `expect` in the walk: it runs on every node of every case.
 */
function sameShapeProblem(
  before: unknown,
  after: unknown,
  secrets: string[],
  path = '$',
): string | undefined {
  const masked = secrets.filter((s) => s.length >= 6);
  if (typeof before === 'string' || before instanceof String) {
    if (typeof after !== typeof before) return `${path}: ${typeof before} became ${typeof after}`;
    const [from, to] = [before.valueOf(), (after as string | string).valueOf()];
    const left = masked.find((s) => to.includes(s));
    if (left !== undefined) return `${path}: ${JSON.stringify(left)} left in ${JSON.stringify(to)}`;
    const forms = masked.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
    if (after !== before && !forms.some((f) => from.includes(f))) return `${path}: changed without a secret`;
    return undefined;
  }
  const plain =
    before !== null &&
    typeof before === 'object' &&
    (Array.isArray(before) || [Object.prototype, null].includes(Object.getPrototypeOf(before)));
  if (!plain) return Object.is(after, before) ? undefined : `${path}: a non-string value was replaced`;
  if (Array.isArray(after) !== Array.isArray(before)) return `${path}: array-ness changed`;
  if (Object.getPrototypeOf(after) !== Object.getPrototypeOf(before)) return `${path}: prototype changed`;
  const keys = Reflect.ownKeys(before as object);
  const keysAfter = Reflect.ownKeys(after as object);
  if (keys.length !== keysAfter.length || keys.some((k, i) => k !== keysAfter[i]))
    return `${path}: keys changed`;
  for (const key of keys) {
    const from = Object.getOwnPropertyDescriptor(before, key)!;
    const to = Object.getOwnPropertyDescriptor(after, key)!;
    const problem = sameShapeProblem(from.value, to.value, secrets, `${path}.${String(key)}`);
    if (problem) return problem;
  }
  return undefined;
}

/** Checks `runs` cases; returns how many had a secret masked (most should, or the cases miss). */
export function checkPayloadMasking(runs: number): number {
  let maskedCases = 0;
  fc.assert(
    fc.property(cases, ([secrets, payload]) => {
      const registry = new SecretRegistry();
      for (const s of secrets) registry.addForTeam('T0OWNER01', s);
      const snapshot = fc.stringify(payload);
      const masked = scrubPayload(registry.forTeam('T0OWNER01'), payload);
      const problem = sameShapeProblem(payload, masked, secrets);
      if (problem) throw new Error(problem);
      if (masked !== payload) maskedCases++;
      if (fc.stringify(payload) !== snapshot) throw new Error('the input was changed');
      let json: string | undefined;
      try {
        json = JSON.stringify(payload);
      } catch {
        return; // BigInt: not JSON before either
      }
      if (json !== undefined) JSON.parse(JSON.stringify(masked));
      // Another workspace's payload is the very same object.
      if (!Object.is(scrubPayload(registry.forTeam('T0OTHER01'), payload), payload))
        throw new Error("another workspace's payload changed");
    }),
    { ...FUZZ_OPTIONS, numRuns: runs },
  );
  console.log(`payload masking: ${maskedCases} of ${runs} payloads had a secret masked`);
  expect(maskedCases).toBeGreaterThan(runs / 10);
  return maskedCases;
}
