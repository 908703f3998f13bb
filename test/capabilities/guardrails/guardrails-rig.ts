import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { Interactions } from '../../harness/interactions.js';
import { HW_AK, HW_SK, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';
import { writeGuardedFile } from './guardrails-world.js';

/** A suffix of the file's own for its team, connections and Redis keys (the replicas share one store). */
export function guardSuffix(): { suffix: string; low: string } {
  const suffix = Date.now().toString(36).toUpperCase().slice(-6);
  return { suffix, low: suffix.toLowerCase() };
}

export interface GuardedReplicas {
  /** Names the secrets' variables (`<env>_HW_AK`) and the temporary folder. */
  env: string;
  team: string;
  suffix: string;
  /** The OMS connections the file lists, all on replica A's simulator. */
  names: readonly string[];
  policies: string;
  base: number;
  operator: string;
  approvers: readonly string[];
  /** The plan card edited as often as the test moves it (no edit budget deferring it). */
  eagerCards?: boolean;
  /** Run once both replicas are up, before the roles are granted. */
  ready?: (a: TestBot) => void;
}

/**
 * Two bots (A and B) sharing one Redis, one fake Slack and one OMS simulator, their rules the
 * connections file's `policies:` section; started before the file's tests, their keys dropped after.
 */
export function guardedReplicas(w: GuardedReplicas) {
  const storeUrl = replicaRedisUrl();
  const clocks = [new TestClock(() => w.base), new TestClock(() => w.base)];
  const a = new TestBot();
  const b = new TestBot();
  const dir = mkdtempSync(path.join(tmpdir(), `guardrails-${w.env.toLowerCase()}-`));
  const file = path.join(dir, 'connections.yml');
  /** The file as the operators keep it: the connections (secrets named by variable) and the rules. */
  const writeFile = (omsUrl: string, policies = w.policies) =>
    writeGuardedFile(file, { env: w.env, team: w.team, names: w.names, omsUrl, policies });

  beforeAll(async () => {
    process.env[`${w.env}_HW_AK`] = HW_AK;
    process.env[`${w.env}_HW_SK`] = HW_SK;
    writeFile('http://127.0.0.1:1');
    const connections = (url: string) => w.names.map((name) => omsConnection(name, url, { team: w.team }));
    const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0', MIGRATE_BOT_CONNECTIONS: file };
    const watcher = w.eagerCards ? { editBudget: { windowMs: 10_000, max: 1000 } } : undefined;
    await a.start({ env, connections, clock: clocks[0]!, ...(watcher ? { watcher } : {}) });
    await b.start({
      env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl },
      connections: () => connections(a.oms.url),
      clock: clocks[1]!,
      ...(watcher ? { watcher } : {}),
    });
    w.ready?.(a);
    const who = { teamId: w.team };
    await a.ask(`access grant <@${w.operator}|oper> operator`, who);
    for (const user of w.approvers) await a.ask(`access grant <@${user}|appr> approver`, who);
  }, 60_000);
  afterAll(async () => {
    await approvalsOf(a.bot.deps)
      .records.forget(w.team)
      .catch(() => undefined);
    await Promise.allSettled([a.stop(), b.stop()]);
    await dropRedisKeys(storeUrl, w.suffix);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Both replicas' clocks at `iso`. */
  const at = (iso: string) => {
    for (const c of clocks) c.skewMs = Date.parse(iso) - w.base;
  };
  return { a, b, ixA: new Interactions(a), ixB: new Interactions(b), clocks, dir, writeFile, at };
}

/** The bucket the requests of guardrails-more and -attacks copy: one small object. */
export function addSmallBucket(a: TestBot): void {
  a.oms.addBucket({
    cloudType: 'AWS',
    region: 'us-east-1',
    name: 'gm-bucket',
    objects: [{ key: 'small/a.txt', size: 1_048_576 }],
  });
}
