import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../../src/config.js';

/**
 * docker-compose.yml, read as data: no Docker engine runs on these machines, so `docker compose
 * config` cannot check it here; these are the properties the file promises.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  env_file?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}

const compose = parseYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const { bot, redis, proxy } = compose.services;

describe('docker-compose.yml', () => {
  it('runs two bot replicas from the image built here, on the Redis beside them', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot', 'proxy', 'redis']);
    expect(bot?.build).toBe('.');
    expect(bot?.deploy?.replicas).toBe(2);
    expect(bot?.environment?.STORE_URL).toBe('redis://redis:6379');
    expect(bot?.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  it('keeps Redis on a volume with its append-only file, so state survives a restart', () => {
    expect(redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    const dataVolume = redis?.volumes?.find((v) => v.endsWith(':/data'))?.split(':')[0];
    expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume);
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('reads secrets only from the env files, whose templates are committed', () => {
    expect(bot?.env_file).toEqual(['deploy/bot-secrets.env', 'deploy/provider-credentials.env']);
    for (const file of bot?.env_file ?? []) {
      const template = path.join(ROOT, file.replace(/\.env$/, '.example.env'));
      expect(readFileSync(template, 'utf8')).toMatch(/^[A-Z0-9_]+=$/m);
    }
    const known = new Set(Object.keys(configSchema.in.shape));
    for (const [name, value] of Object.entries(bot?.environment ?? {})) {
      expect(known, `${name} is a setting of src/config.ts`).toContain(name);
      expect(name).not.toMatch(/SECRET|TOKEN|KEY|PASSWORD/);
      expect(value).not.toMatch(/:[^/@]*@/); // no password in a URL
    }
    const gitignore = readFileSync(path.join(ROOT, '.gitignore'), 'utf8');
    expect(gitignore).toMatch(/^deploy\/\*\.env$/m);
  });

  it('mounts the connections file where MIGRATE_BOT_CONNECTIONS points, read-only', () => {
    const target = bot?.environment?.MIGRATE_BOT_CONNECTIONS;
    const mount = bot?.volumes?.find((v) => v.split(':')[1] === target);
    expect(mount?.endsWith(':ro')).toBe(true);
    expect(readFileSync(path.join(ROOT, mount!.split(':')[0]!), 'utf8')).toContain('connections:');
  });

  it('checks the bot on /readyz of the operations port and limits its memory above the 512 MB heap bound', () => {
    expect(bot?.environment?.METRICS_PORT).toBe('9090');
    expect(bot?.healthcheck?.test.join(' ')).toContain("fetch('http://127.0.0.1:9090/readyz')");
    expect(bot?.deploy?.resources?.limits?.memory).toMatch(/^(\d+)m$/);
    expect(Number.parseInt(bot!.deploy!.resources!.limits!.memory!, 10)).toBeGreaterThan(512);
  });

  it('gives Slack one address in front of the replicas, once one is ready', () => {
    expect(proxy?.ports).toEqual(['3000:8080']);
    expect(proxy?.depends_on).toEqual({ bot: { condition: 'service_healthy' } });
    const conf = proxy?.volumes?.[0]?.split(':')[0] ?? '';
    const nginx = readFileSync(path.join(ROOT, conf), 'utf8');
    expect(nginx).toContain('listen 8080;');
    expect(nginx).toContain('set $bot http://bot:3000;');
  });

  it('forwards only the Slack routes: /metrics and the probes are not reachable through the proxy', () => {
    const nginx = readFileSync(path.join(ROOT, 'deploy/compose/nginx.conf'), 'utf8');
    const locations = [...nginx.matchAll(/location\s+(=\s+)?(\S+)\s*\{([^}]*)\}/g)].map((m) => ({
      path: m[2],
      body: m[3]!,
    }));
    const forwarding = locations.filter((l) => l.body.includes('proxy_pass'));
    expect(forwarding.map((l) => l.path)).toEqual(['/slack/']);
    expect(locations.find((l) => l.path === '/')?.body).toMatch(/return 404;/);
    expect(nginx).not.toContain(':9090');
    expect(bot?.ports).toBeUndefined();
  });

  it('gives a replica more time to stop than its drain takes', () => {
    const drainSeconds = Number(bot?.environment?.DRAIN_TIMEOUT_SECONDS);
    expect(Number(bot?.environment?.SHUTDOWN_DELAY_SECONDS)).toBeLessThan(drainSeconds);
    expect(Number.parseInt(bot?.stop_grace_period ?? '', 10)).toBeGreaterThan(drainSeconds);
  });
});
