import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { productionNodeFlags } from '../../bench/poll-scale.js';
import { configSchema } from '../../src/config.js';
import { parseConnections } from '../../src/connections/load-connections-file.js';
import { type Manifest, normalized, renderKustomization } from './kustomize-render.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KUSTOMIZE = path.join(ROOT, 'deploy/kustomize');
const VARIANTS = {
  redis: path.join(KUSTOMIZE, 'base'),
  sqlite: path.join(KUSTOMIZE, 'overlays/sqlite'),
  monitored: path.join(KUSTOMIZE, 'overlays/monitored'),
};

/** The Kubernetes (and Prometheus Operator) JSON schemas, as ajv validators from kubernetes-models. */
const SCHEMAS: Record<string, { new (data: never): { validate(): void } }> = {
  'v1 ConfigMap': ConfigMap,
  'v1 Service': Service,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1 Deployment': Deployment,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1 ServiceMonitor': ServiceMonitor,
};

/** Settings whose values are secrets: what the bot scrubs from logs, and STORE_URL (a password). */
const SECRET_SETTINGS = [
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'SLACK_APP_TOKEN',
  'MIGRATE_BOT_ENCRYPTION_KEYS',
  'STORE_URL',
];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  ports: { name: string; containerPort: number }[];
  env: EnvVar[];
  envFrom?: { secretRef?: { name: string } }[];
  resources: { limits: { memory: string } };
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe: Probe;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes: { name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string } }[];
}
interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  strategy: { type: string; rollingUpdate?: { maxUnavailable?: number } };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}

const rendered = Object.fromEntries(
  Object.entries(VARIANTS).map(([variant, dir]) => [variant, renderKustomization(dir)]),
) as Record<keyof typeof VARIANTS, Manifest[]>;

function find(resources: Manifest[], kind: string): Manifest[] {
  return resources.filter((r) => r.kind === kind);
}
function deployment(resources: Manifest[]): DeploymentSpec {
  const deployments = find(resources, 'Deployment');
  expect(deployments).toHaveLength(1);
  return deployments[0]!.spec as DeploymentSpec;
}
function botContainer(resources: Manifest[]): Container {
  const containers = deployment(resources).template.spec.containers;
  expect(containers).toHaveLength(1);
  return containers[0]!;
}
function envFile(name: string): Record<string, string> {
  const text = readFileSync(path.join(ROOT, 'deploy', name), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
/** Kubernetes memory quantity in MiB (the suffixes these manifests may use). */
function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi|M|G)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  const factor = { Mi: 1, Gi: 1024, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 }[match[2] as 'Mi'];
  return Number(match[1]) * factor;
}

describe.each(Object.keys(VARIANTS) as (keyof typeof VARIANTS)[])('the %s manifests', (variant) => {
  it('are valid against the Kubernetes schemas, every document', () => {
    const resources = rendered[variant];
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) {
      const Model = SCHEMAS[`${resource.apiVersion} ${resource.kind}`];
      expect(Model, `a schema for ${resource.apiVersion} ${resource.kind}`).toBeDefined();
      expect(
        () => new Model!(resource as never).validate(),
        `${resource.kind}/${resource.metadata.name}`,
      ).not.toThrow();
    }
  });

  it('take every secret from a Secret, never a literal, and set only settings the bot knows', () => {
    const container = botContainer(rendered[variant]);
    const known = new Set(Object.keys(configSchema.in.shape));
    for (const env of container.env) {
      expect(known, `${env.name} is a setting of src/config.ts`).toContain(env.name);
      if (SECRET_SETTINGS.includes(env.name) && !(variant === 'sqlite' && env.name === 'STORE_URL')) {
        expect(env.value, env.name).toBeUndefined();
        expect(env.valueFrom?.secretKeyRef, env.name).toMatchObject({ name: 'migrate-bot', key: env.name });
      }
      if (env.value !== undefined) expect(env.name).not.toMatch(/SECRET|TOKEN|KEY|PASSWORD/);
    }
    // The Secret's documented keys are exactly the ones referenced.
    const referenced = container.env.flatMap((env) => env.valueFrom?.secretKeyRef?.key ?? []);
    const documented = Object.keys(envFile('bot-secrets.example.env'));
    expect(documented.filter((key) => !(variant === 'sqlite' && key === 'STORE_URL')).sort()).toEqual(
      referenced.sort(),
    );
    expect(container.envFrom).toEqual([{ secretRef: { name: 'migrate-bot-provider-credentials' } }]);
  });

  it('mount a connections file the bot accepts, whose secrets the provider Secret documents', () => {
    const container = botContainer(rendered[variant]);
    const file = container.env.find((env) => env.name === 'MIGRATE_BOT_CONNECTIONS')?.value ?? '';
    const mount = container.volumeMounts.find((m) => m.mountPath === path.posix.dirname(file));
    const volume = deployment(rendered[variant]).template.spec.volumes.find((v) => v.name === mount?.name);
    const configMap = find(rendered[variant], 'ConfigMap').find(
      (c) => c.metadata.name === volume?.configMap?.name,
    );
    const text = (configMap?.data as Record<string, string> | undefined)?.[path.posix.basename(file)];
    expect(text).toBeDefined();
    const credentials = envFile('provider-credentials.example.env');
    const placeholders = Object.fromEntries(
      Object.keys(credentials).map((name) => [name, `placeholder-${name}`]),
    );
    expect(parseConnections(text!, file, placeholders).length).toBeGreaterThan(0);
    // …and documents none it does not name.
    const named = new Set([...text!.matchAll(/Env:\s*([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect(Object.keys(credentials).sort()).toEqual([...named].sort());
  });

  it('give the container more memory than the heap bound the Dockerfile sets', () => {
    const heapFlag = productionNodeFlags().find((f) => f.startsWith('--max-old-space-size='));
    const heapMiB = Number(heapFlag?.split('=')[1]);
    expect(heapMiB).toBe(512);
    expect(mebibytes(botContainer(rendered[variant]).resources.limits.memory)).toBeGreaterThan(heapMiB);
  });

  it('probe liveness on /livez and readiness and start-up on /readyz, on the port the bot listens on', () => {
    const container = botContainer(rendered[variant]);
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.startupProbe.httpGet.path).toBe('/readyz');
    const port = container.env.find((env) => env.name === 'PORT')?.value;
    expect(port).toBe('3000');
    expect(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^EXPOSE 3000$/m);
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      const named = container.ports.find((p) => p.name === probe.httpGet.port);
      expect(named?.containerPort).toBe(Number(port));
    }
  });

  it('route the Service to the bot pods on their http port', () => {
    const spec = deployment(rendered[variant]);
    const [service] = find(rendered[variant], 'Service');
    const serviceSpec = service!.spec as {
      selector: Record<string, string>;
      ports: { targetPort: string }[];
    };
    expect(serviceSpec.selector).toEqual(spec.selector.matchLabels);
    expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
    expect(serviceSpec.ports.map((p) => p.targetPort)).toEqual(['http']);
  });
});

describe('the Redis variant (base)', () => {
  it('runs 2 replicas, rolls out without going below them, and keeps 1 through disruptions', () => {
    const spec = deployment(rendered.redis);
    expect(spec.replicas).toBe(2);
    expect(spec.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    const [pdb] = find(rendered.redis, 'PodDisruptionBudget');
    expect(pdb?.spec).toEqual({ minAvailable: 1, selector: { matchLabels: spec.selector.matchLabels } });
    const storeUrl = botContainer(rendered.redis).env.find((env) => env.name === 'STORE_URL');
    expect(storeUrl?.valueFrom?.secretKeyRef?.optional).toBeUndefined();
  });
});

describe('the SQLite variant', () => {
  it('runs 1 replica, Recreate (the old pod lets go of the file first), on a volume at /app/data', () => {
    const spec = deployment(rendered.sqlite);
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'Recreate' });
    const container = botContainer(rendered.sqlite);
    expect(container.env.find((env) => env.name === 'STORE_URL')).toEqual({
      name: 'STORE_URL',
      value: 'sqlite:///app/data/migrate-bot.sqlite',
    });
    const mount = container.volumeMounts.find((m) => m.mountPath === '/app/data');
    const volume = spec.template.spec.volumes.find((v) => v.name === mount?.name);
    const claims = find(rendered.sqlite, 'PersistentVolumeClaim').map((c) => c.metadata.name);
    expect(claims).toContain(volume?.persistentVolumeClaim?.claimName);
  });

  it('has no disruption budget, which with one replica would block every node drain', () => {
    expect(find(rendered.sqlite, 'PodDisruptionBudget')).toEqual([]);
  });
});

describe('the optional ServiceMonitor', () => {
  it('scrapes /metrics on the Service it selects', () => {
    const [monitor] = find(rendered.monitored, 'ServiceMonitor');
    const [service] = find(rendered.monitored, 'Service');
    const spec = monitor!.spec as { selector: { matchLabels: Record<string, string> }; endpoints: object[] };
    expect(service!.metadata.labels).toMatchObject(spec.selector.matchLabels);
    expect(spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
    expect(find(rendered.redis, 'ServiceMonitor')).toEqual([]);
  });
});

/** Whether this machine has kubectl with its built-in kustomize, the reference for the test's renderer. */
function hasKubectlKustomize(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function kubectlKustomize(dir: string): Manifest[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  return out.split(/^---$/m).map((doc) => parseYaml(doc) as Manifest);
}

describe('the test renderer', () => {
  it.skipIf(!hasKubectlKustomize())(
    'renders what kubectl kustomize renders (where kubectl is installed)',
    () => {
      for (const [variant, dir] of Object.entries(VARIANTS))
        expect(normalized(rendered[variant as keyof typeof VARIANTS]), variant).toEqual(
          normalized(kubectlKustomize(dir)),
        );
    },
  );
});
