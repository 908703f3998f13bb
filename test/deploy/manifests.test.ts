import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { productionNodeFlags } from '../../bench/poll/poll-scale.js';
import { configSchema, createConfig, FILE_SETTINGS, SETTING_FILE_NAMES } from '../../src/config.js';
import { parseConnections } from '../../src/connections/load-connections-file.js';
import { BotMetrics } from '../../src/metrics/metrics.js';
import { configMapHash, type Manifest, normalized, renderKustomization } from './kustomize-render.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KUSTOMIZE = path.join(ROOT, 'deploy/kustomize');
const VARIANTS = {
  redis: path.join(KUSTOMIZE, 'base'),
  sqlite: path.join(KUSTOMIZE, 'overlays/sqlite'),
  monitored: path.join(KUSTOMIZE, 'overlays/monitored'),
  'managed-redis': path.join(KUSTOMIZE, 'overlays/managed-redis'),
};

/** The Redis ports each variant's NetworkPolicy lets the bot reach: an overlay's setting; none on SQLite. */
const REDIS_EGRESS: Record<keyof typeof VARIANTS, string[] | undefined> = {
  redis: ['6379/TCP'],
  sqlite: undefined,
  monitored: ['6379/TCP'],
  'managed-redis': ['6380/TCP'],
};

/** The Kubernetes (and Prometheus Operator) JSON schemas, as ajv validators from kubernetes-models. */
const SCHEMAS: Record<string, { new (data: never): { validate(): void } }> = {
  'v1 ConfigMap': ConfigMap,
  'v1 Service': Service,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1 Deployment': Deployment,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1 ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1 PrometheusRule': PrometheusRule,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
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
  volumes: {
    name: string;
    configMap?: { name: string };
    persistentVolumeClaim?: { claimName: string };
    projected?: unknown;
  }[];
}
interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  strategy: { type: string; rollingUpdate?: { maxUnavailable?: number } };
  template: {
    metadata: { labels: Record<string, string> };
    spec: PodSpec & { terminationGracePeriodSeconds: number };
  };
}

const rendered = Object.fromEntries(
  Object.entries(VARIANTS).map(([variant, dir]) => [variant, renderKustomization(dir)]),
) as Record<keyof typeof VARIANTS, Manifest[]>;

function find(resources: Manifest[], kind: string): Manifest[] {
  return resources.filter((r) => r.kind === kind);
}
/** The volume mounted at MIGRATE_BOT_SETTINGS_DIR: the Secrets, one file per key. */
function secretsVolume(variant: keyof typeof VARIANTS): unknown {
  const container = botContainer(rendered[variant]);
  const dir = container.env.find((env) => env.name === 'MIGRATE_BOT_SETTINGS_DIR')?.value;
  const mount = container.volumeMounts.find((m) => m.mountPath === dir);
  return deployment(rendered[variant]).template.spec.volumes.find((v) => v.name === mount?.name)?.projected;
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

  it('take every secret from a Secret mounted as files, never a literal or a variable, and set only settings the bot knows', () => {
    const container = botContainer(rendered[variant]);
    const known = new Set([...Object.keys(configSchema.in.shape), ...SETTING_FILE_NAMES]);
    for (const env of container.env) {
      expect(known, `${env.name} is a setting of src/config.ts`).toContain(env.name);
      if (SECRET_SETTINGS.includes(env.name)) {
        // SQLite's STORE_URL is a path, no password: the overlay sets it as a value.
        if (variant === 'sqlite' && env.name === 'STORE_URL') expect(env.value).toMatch(/^sqlite:\/\//);
        else expect.fail(`${env.name} is set as an environment variable`);
      }
      if (env.value !== undefined) expect(env.name).not.toMatch(/SECRET|TOKEN|KEY|PASSWORD/);
    }
    // CIS 5.4.1: both Secrets are one folder of files, which the bot reads (MIGRATE_BOT_SETTINGS_DIR).
    expect(container.envFrom).toBeUndefined();
    expect(secretsVolume(variant)).toEqual({
      defaultMode: 0o440,
      sources: [
        { secret: { name: 'migrate-bot' } },
        { secret: { name: 'migrate-bot-provider-credentials' } },
      ],
    });
    // The Secret's documented keys: each read from that folder, or (not a secret) a variable.
    const referenced = container.env.flatMap((env) => env.valueFrom?.secretKeyRef?.key ?? []);
    expect(referenced).toEqual(['SLACK_CLIENT_ID']);
    for (const key of Object.keys(envFile('bot-secrets.example.env')))
      expect([...FILE_SETTINGS, ...referenced], key).toContain(key);
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
    // Read as the pod reads them: one file per key in the folder the Secret is mounted at.
    const credentials = envFile('provider-credentials.example.env');
    const folder = mkdtempSync(path.join(tmpdir(), 'mb-provider-secrets-'));
    try {
      for (const name of Object.keys(credentials))
        writeFileSync(path.join(folder, name), `placeholder-${name}\n`);
      expect(parseConnections(text!, file, { MIGRATE_BOT_SETTINGS_DIR: folder }).length).toBeGreaterThan(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
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

  it('probe liveness on /livez and readiness and start-up on /readyz, on the operations port (METRICS_PORT)', () => {
    const container = botContainer(rendered[variant]);
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.startupProbe.httpGet.path).toBe('/readyz');
    const setting = (name: string) => container.env.find((env) => env.name === name)?.value;
    expect(setting('PORT')).toBe('3000');
    expect(setting('METRICS_PORT')).toBe('9090');
    expect(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^EXPOSE 3000$/m);
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 3000 },
      { name: 'metrics', containerPort: 9090 },
    ]);
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe])
      expect(probe.httpGet.port).toBe('metrics');
  });

  it('drain within a budget below the grace period, and say both', () => {
    const spec = deployment(rendered[variant]);
    const env = Object.fromEntries(
      botContainer(rendered[variant]).env.flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])),
    );
    // A `<NAME>_FILE` names a file inside the pod (a mounted Secret), not on this machine; so does the folder.
    const inPod = Object.fromEntries(
      Object.entries(env).filter(([name]) => !name.endsWith('_FILE') && name !== 'MIGRATE_BOT_SETTINGS_DIR'),
    );
    const { shutdown } = createConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', ...inPod });
    expect(env.SHUTDOWN_DELAY_SECONDS).toBeDefined();
    expect(env.DRAIN_TIMEOUT_SECONDS).toBeDefined();
    expect(shutdown.delaySeconds).toBeGreaterThan(0);
    // The bot exits within DRAIN_TIMEOUT_SECONDS; the kubelet kills it only past the grace period.
    expect(shutdown.drainTimeoutSeconds).toBeLessThan(spec.template.spec.terminationGracePeriodSeconds);
    // …and the drain outlasts a command's whole interactive budget (30 s) after the delay.
    expect(shutdown.drainTimeoutSeconds).toBeGreaterThanOrEqual(shutdown.delaySeconds + 30);
  });

  it('mount the connections file from a ConfigMap named by its content, so an edit rolls the pods', () => {
    const spec = deployment(rendered[variant]);
    const [configMap] = find(rendered[variant], 'ConfigMap');
    expect(configMap!.metadata.name).toMatch(/^migrate-bot-connections-[a-z0-9]{10}$/);
    expect(spec.template.spec.volumes.map((v) => v.configMap?.name)).toContain(configMap!.metadata.name);
    // Another content, another name: the pod template changes and the Deployment rolls.
    expect(configMapHash({ 'connections.yml': 'connections: []\n' })).not.toBe(
      configMap!.metadata.name.slice('migrate-bot-connections-'.length),
    );
  });

  it('let Slack in from the Ingress controller only, Prometheus to the metrics only, and out to DNS, Redis and HTTPS', () => {
    const policies = find(rendered[variant], 'NetworkPolicy');
    const policy = policies.find((p) => p.metadata.name === 'migrate-bot');
    const spec = policy!.spec as {
      podSelector: { matchLabels: Record<string, string> };
      policyTypes: string[];
      ingress: { from: { namespaceSelector: { matchLabels: Record<string, string> } }[]; ports: object[] }[];
      egress: { to?: object[]; ports: { port: number; protocol: string }[] }[];
    };
    expect(spec.podSelector.matchLabels).toEqual(deployment(rendered[variant]).selector.matchLabels);
    expect([...spec.policyTypes].sort()).toEqual(['Egress', 'Ingress']);
    const ingress = spec.ingress.map((rule) => ({
      from: rule.from.map((f) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']),
      ports: rule.ports,
    }));
    expect(ingress).toEqual([
      { from: ['ingress-nginx'], ports: [{ port: 'http', protocol: 'TCP' }] },
      { from: ['monitoring'], ports: [{ port: 'metrics', protocol: 'TCP' }] },
    ]);
    const egressPorts = spec.egress.map((rule) => rule.ports.map((p) => `${p.port}/${p.protocol}`).sort());
    expect(egressPorts).toEqual([['53/TCP', '53/UDP'], ['443/TCP']]);
    expect(spec.egress[0]!.to).toBeDefined(); // DNS to the cluster's resolver only
    // Redis in a policy of its own, for the same pods, whose port the overlay sets.
    const redis = policies.find((p) => p.metadata.name === 'migrate-bot-redis');
    expect(policies.length).toBe(REDIS_EGRESS[variant] ? 2 : 1);
    if (!REDIS_EGRESS[variant]) return;
    const redisSpec = redis!.spec as typeof spec;
    expect(redisSpec.podSelector).toEqual(spec.podSelector);
    expect(redisSpec.policyTypes).toEqual(['Egress']);
    expect(redisSpec.egress.map((rule) => rule.ports.map((p) => `${p.port}/${p.protocol}`))).toEqual([
      REDIS_EGRESS[variant],
    ]);
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
    expect(serviceSpec.ports.map((p) => p.targetPort)).toEqual(['http', 'metrics']);
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

describe('the managed-redis overlay', () => {
  it('reads the private CA from a Secret mounted as a file (STORE_TLS_CA_FILE)', () => {
    const container = botContainer(rendered['managed-redis']);
    const file = container.env.find((env) => env.name === 'STORE_TLS_CA_FILE')?.value ?? '';
    expect(file).toBe('/run/secrets/redis/ca.pem');
    const mount = container.volumeMounts.find((m) => m.mountPath === path.posix.dirname(file));
    const volume = deployment(rendered['managed-redis']).template.spec.volumes.find(
      (v) => v.name === mount?.name,
    );
    expect(volume).toMatchObject({ secret: { secretName: 'migrate-bot-redis-ca' } });
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
    expect(spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
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

describe('the alerts (PrometheusRule) and the Grafana dashboard', () => {
  /** Every metric the bot exports, from a scrape of a real registry. */
  async function exportedMetrics(): Promise<Set<string>> {
    const metrics = new BotMetrics({ build: { version: '0', revision: 'x', node: 'v0' } });
    const { body } = await metrics.scrape();
    return new Set([...body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
  }
  /** The metric names an expression reads (a histogram's _bucket, _sum and _count are its own). */
  const metricsIn = (expr: string) =>
    [...expr.matchAll(/\bmigrate_bot_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));

  it('alert on a stuck watcher, a growing outbox, provider errors per provider and Slack 429s', async () => {
    const [rule] = find(rendered.monitored, 'PrometheusRule');
    const rules = (rule!.spec as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap(
      (g) => g.rules,
    );
    expect(rules.map((r) => r.alert)).toEqual([
      'MigrateBotWatcherCycleStuck',
      'MigrateBotOutboxGrowing',
      'MigrateBotOutboxStale',
      'MigrateBotProviderErrors',
      'MigrateBotSlackRateLimited',
      'MigrateBotDown',
      'MigrateBotNotReady',
      'MigrateBotOutboxDropping',
      'MigrateBotStoreErrors',
    ]);
    const exported = await exportedMetrics();
    for (const r of rules) {
      expect(metricsIn(r.expr).length, r.alert).toBeGreaterThan(0);
      for (const name of metricsIn(r.expr)) expect(exported, `${r.alert}: ${name}`).toContain(name);
    }
    expect(rules.find((r) => r.alert === 'MigrateBotProviderErrors')?.expr).toContain('by (provider)');
    expect(find(rendered.redis, 'PrometheusRule')).toEqual([]);
  });

  it('the dashboard reads only metrics the bot exports, and shows each of them', async () => {
    const dashboard = JSON.parse(
      readFileSync(path.join(ROOT, 'deploy/dashboards/migrate-bot.json'), 'utf8'),
    ) as {
      uid: string;
      panels: { id: number; type: string; targets?: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('migrate-bot');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const shown = new Set(dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => metricsIn(t.expr)));
    const exported = await exportedMetrics();
    for (const name of shown) expect(exported, name).toContain(name);
    // Every metric of the bot's own (Node's defaults aside) has a panel: a new one needs one too.
    const own = [...exported].filter((name) => !/^migrate_bot_(process_|nodejs_)/.test(name));
    expect(own.filter((name) => !shown.has(name))).toEqual([]);
  });
});
