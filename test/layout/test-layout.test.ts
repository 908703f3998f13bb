import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TEST = path.join(ROOT, 'test');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? files(file) : [file];
  });
}

// docs/architecture.md, rule 5: a module's tests are found in one obvious place.
describe('the test tree', () => {
  it('has no test file at its root: each lives in the folder of the area it tests', () => {
    const loose = readdirSync(TEST).filter((name) => name.endsWith('.test.ts'));
    expect(loose).toEqual([]);
  });

  it('uses nock only through the strict helper (no real connection, every fixture used)', () => {
    const helper = path.join(TEST, 'helpers', 'strict-nock.ts');
    const offenders = files(TEST)
      .filter((file) => file.endsWith('.ts') && file !== helper && file !== import.meta.filename)
      .filter((file) => {
        const text = readFileSync(file, 'utf8');
        return (
          /disableNetConnect|enableNetConnect/.test(text) ||
          (/from 'nock'/.test(text) && !/useStrictNock\(/.test(text))
        );
      })
      .map((file) => path.relative(ROOT, file));
    expect(offenders).toEqual([]);
  });
});
