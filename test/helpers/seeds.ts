import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';

/**
 * The provider documents ("seeds") are not part of the project: they sit beside a checkout, in
 * ../shared/seeds, where the team's machines and CI lay them. The tests run on what was extracted
 * from them and committed (test/fixtures, dev/simulators/huawei-oms/*.json, src/catalogue); only
 * the cross-checks that re-read the extraction from the seed's text need the seed itself.
 */
export const SEEDS_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'seeds');

/** Seed 002: the Huawei OMS API reference. */
export const OMS_SEED = '002_6e351bb1246169fa.txt';

/** The seed's text, or undefined in a clone with nothing beside it. */
export function seedText(file: string): string | undefined {
  const seedPath = path.join(SEEDS_DIR, file);
  return existsSync(seedPath) ? readFileSync(seedPath, 'utf8') : undefined;
}

/**
 * Says plainly, where a seed is absent, that the cross-check against its text did not run: a line
 * on the console and a skipped test of that name in the report. Call it beside a
 * `describe.skipIf(text === undefined)` holding the cross-check.
 */
export function crossCheckSkippedWithout(file: string, text: string | undefined): void {
  if (text !== undefined) return;
  console.log(`seed text absent (${path.join(SEEDS_DIR, file)}): cross-check skipped`);
  it.skip('seed text absent: cross-check skipped', () => {});
}
