import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};

describe('the image', () => {
  it('runs one supported LTS line of Node in every stage', () => {
    const majors = [...dockerfile.matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(majors).toHaveLength(2);
    // The build stage's node_modules (better-sqlite3's native addon) run in the final one.
    expect(new Set(majors).size).toBe(1);
    // Even lines become LTS; 20 and older are past their end of life (20: 2026-04-30).
    expect(majors[0]! % 2).toBe(0);
    expect(majors[0]).toBeGreaterThanOrEqual(22);
  });

  it('still lets Node 20 run the code, where these machines test it', () => {
    expect(pkg.engines.node).toBe('>=20');
  });

  it('keeps the env files with secrets out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toContain('deploy/*.env');
  });
});
