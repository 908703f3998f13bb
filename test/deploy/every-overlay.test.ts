import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createConfig } from '../../src/config.js';
import { type Manifest, renderKustomization } from './kustomize-render.js';

/**
 * Issue 40, "kubectl kustomize renders every overlay, with the NetworkPolicy, the drain settings":
 * every overlay on disk, not only the ones manifests.test.ts names, so an overlay added later is
 * held to the same rules; and docs/deployment.md names each overlay and component.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const KUSTOMIZE = path.join(ROOT, 'deploy', 'kustomize');
const subdirs = (dir: string) =>
  readdirSync(path.join(KUSTOMIZE, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${dir}/${entry.name}`);
const OVERLAYS = ['base', ...subdirs('overlays')];

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

interface BotDeployment {
  spec: {
    template: {
      spec: {
        terminationGracePeriodSeconds?: number;
        containers: { env?: { name: string; value?: string }[] }[];
      };
    };
  };
}

/** Without the settings that name files or folders inside the pod (mounted Secrets), not on this machine. */
const withoutFiles = (env: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.endsWith('_FILE') && name !== 'MIGRATE_BOT_SETTINGS_DIR'),
  );

function drainOf(resources: Manifest[]) {
  const deployments = resources.filter((r) => r.kind === 'Deployment') as unknown as BotDeployment[];
  expect(deployments).toHaveLength(1);
  const pod = deployments[0]!.spec.template.spec;
  const env = Object.fromEntries(
    (pod.containers[0]!.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])),
  );
  // A `<NAME>_FILE` names a file inside the pod (a mounted Secret), not on this machine.
  const { shutdown } = createConfig({
    SLACK_SIGNING_SECRET: 's',
    SLACK_BOT_TOKEN: 'xoxb-1',
    ...withoutFiles(env),
  });
  return { env, grace: pod.terminationGracePeriodSeconds ?? 30, ...shutdown };
}

describe.each(OVERLAYS)('deploy/kustomize/%s', (dir) => {
  it('renders with the NetworkPolicy and a drain budget inside the grace period', () => {
    const resources = renderKustomization(path.join(KUSTOMIZE, dir));
    const policies = resources.filter((r) => r.kind === 'NetworkPolicy').map((r) => r.metadata.name);
    expect(policies).toContain('migrate-bot');
    // Redis egress only where the bot uses Redis (every overlay but SQLite's).
    const onSqlite = drainOf(resources).env.STORE_URL?.startsWith('sqlite://') ?? false;
    expect(policies.includes('migrate-bot-redis')).toBe(!onSqlite);
    const drain = drainOf(resources);
    expect(drain.env.SHUTDOWN_DELAY_SECONDS).toBeDefined();
    expect(drain.env.DRAIN_TIMEOUT_SECONDS).toBeDefined();
    expect(drain.drainTimeoutSeconds).toBeLessThan(drain.grace);
    expect(drain.drainTimeoutSeconds).toBeGreaterThanOrEqual(drain.delaySeconds + 30);
  });

  it.skipIf(!hasKubectl())('renders with `kubectl kustomize` (where kubectl is installed)', () => {
    const out = execFileSync('kubectl', ['kustomize', path.join(KUSTOMIZE, dir)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const kinds = out
      .split(/^---$/m)
      .map((doc) => (parseYaml(doc) as Manifest).kind)
      .sort();
    expect(kinds).toEqual(
      renderKustomization(path.join(KUSTOMIZE, dir))
        .map((r) => r.kind)
        .sort(),
    );
  });
});

describe('docs/deployment.md', () => {
  it('names every overlay and component, and the grace period and drain budget the base sets', () => {
    const docs = readFileSync(path.join(ROOT, 'docs', 'deployment.md'), 'utf8');
    for (const dir of [...subdirs('overlays'), ...subdirs('components')]) expect(docs, dir).toContain(dir);
    const drain = drainOf(renderKustomization(path.join(KUSTOMIZE, 'base')));
    expect(docs).toContain(`terminationGracePeriodSeconds: ${drain.grace}`);
    expect(docs).toContain(`\`DRAIN_TIMEOUT_SECONDS\` ${drain.drainTimeoutSeconds}`);
    expect(docs).toContain(`\`SHUTDOWN_DELAY_SECONDS\` of ${drain.delaySeconds}`);
  });
});
