import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};

describe('the image', () => {
  const nodeVersion = /^ARG NODE_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(dockerfile);

  it('runs one supported LTS release of Node in every stage', () => {
    expect(nodeVersion).not.toBeNull();
    const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    // The build stage's node_modules (better-sqlite3's native addon) run in the final one.
    const base = `node:\${NODE_VERSION}-bookworm-slim`;
    expect(stages).toEqual([base, base]);
    // Even lines become LTS; 20 and older are past their end of life (20: 2026-04-30).
    const major = Number(nodeVersion![1]);
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
  });

  it('runs the Node release CI tests on, and package.json allows that major only', () => {
    // .ci/install-node.sh installs .node-version for lint, typecheck and the tests.
    const tested = readFileSync(path.join(ROOT, '.node-version'), 'utf8').trim();
    expect(nodeVersion![0]).toBe(`ARG NODE_VERSION=${tested}`);
    const major = Number(nodeVersion![1]);
    expect(pkg.engines.node).toBe(`>=${major} <${major + 1}`);
  });

  it('keeps the env files with secrets out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toContain('deploy/*.env');
  });
});
