import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type Manifest, renderKustomization } from './kustomize-render.js';

/**
 * The NetworkPolicy's Redis port is a setting of the overlay (issue 50): an overlay of one's own
 * sets the ports its Redis listens on (a cluster's nodes, Sentinel's 26379) with the one small
 * patch docs/deployment.md gives, and gets exactly those; the SQLite overlay opens no Redis egress
 * in any policy. Rendered by the tests' renderer and, where installed, by kubectl's kustomize.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const KUSTOMIZE = path.join(ROOT, 'deploy', 'kustomize');
const scratch = mkdtempSync(path.join(tmpdir(), 'mb-overlay-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Policy {
  podSelector: object;
  egress: { to?: object[]; ports: { port: number | string; protocol: string }[] }[];
}

const policies = (resources: Manifest[]) =>
  resources.filter((r) => r.kind === 'NetworkPolicy') as unknown as {
    metadata: { name: string };
    spec: Policy;
  }[];
const egressPorts = (resources: Manifest[]) =>
  policies(resources).flatMap((p) =>
    p.spec.egress.flatMap((rule) => rule.ports.map((x) => `${x.port}/${x.protocol}`)),
  );

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
const KUBECTL = hasKubectl();

/** kubectl's own kustomize where it is installed (a failure there fails the test), else nothing. */
function kubectlKustomize(dir: string): Manifest[] | undefined {
  if (!KUBECTL) return undefined;
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  return out.split(/^---$/m).map((doc) => parseYaml(doc) as Manifest);
}

/** An overlay of one's own over the base: Redis ports set with the documented patch. */
function overlayWithRedisPorts(ports: number[]): string {
  const dir = mkdtempSync(path.join(scratch, 'overlay-'));
  writeFileSync(
    path.join(dir, 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ${path.relative(dir, path.join(KUSTOMIZE, 'base'))}
patches:
  - path: redis-port.yaml
`,
  );
  writeFileSync(
    path.join(dir, 'redis-port.yaml'),
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: migrate-bot-redis
spec:
  egress:
    - ports:
${ports.map((p) => `        - { port: ${p}, protocol: TCP }`).join('\n')}
`,
  );
  return dir;
}

describe('the Redis egress of the NetworkPolicy', () => {
  it('is the ports an overlay sets, replacing the base’s 6379, and nothing else changes', () => {
    const dir = overlayWithRedisPorts([7000, 7001, 7002, 26379]);
    for (const rendered of [renderKustomization(dir), kubectlKustomize(dir)]) {
      if (!rendered) continue; // kubectl is not installed here
      const redis = policies(rendered).find((p) => p.metadata.name === 'migrate-bot-redis');
      expect(redis?.spec.egress.map((r) => r.ports.map((p) => `${p.port}/${p.protocol}`))).toEqual([
        ['7000/TCP', '7001/TCP', '7002/TCP', '26379/TCP'],
      ]);
      const base = renderKustomization(path.join(KUSTOMIZE, 'base'));
      const main = (resources: Manifest[]) =>
        policies(resources).find((p) => p.metadata.name === 'migrate-bot');
      expect(main(rendered)).toEqual(main(base));
      expect(egressPorts(rendered)).not.toContain('6379/TCP');
    }
  });

  it('is not opened at all by the SQLite overlay, in any policy', () => {
    const dir = path.join(KUSTOMIZE, 'overlays', 'sqlite');
    for (const rendered of [renderKustomization(dir), kubectlKustomize(dir)]) {
      if (!rendered) continue;
      expect(policies(rendered).map((p) => p.metadata.name)).toEqual(['migrate-bot']);
      expect(egressPorts(rendered).sort()).toEqual(['443/TCP', '53/TCP', '53/UDP']);
    }
  });
});
