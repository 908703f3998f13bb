import { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { SimGatewayAuth } from '../../dev/simulators/huawei-oms/auth.js';
import { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import { SimClock, type Simulator, seededRandom } from '../../dev/simulators/kit.js';
import { SimNcpGatewayAuth } from '../../dev/simulators/ncp/auth.js';
import { NcpSimulator } from '../../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../../dev/simulators/upcloud/index.js';
import type { Connection } from '../../src/connections/connection.js';
import { DetectionTracker } from '../failure-detection.js';
import { GapSampler, PostTracker } from '../replica/replica-world.js';
import { serveRpc } from '../rpc.js';
import { BENCH_BOT_TOKEN, BENCH_TEAM, BUSY_STEP_MS, TOTAL_BYTES } from './poll-constants.js';

/**
 * The poll benchmark's world, in its own process: one provider simulator per connection (OMS
 * projects, NCP accounts, UpCloud services), all on loopback and on one simulated clock, and a
 * fake Slack that enforces the rate-limit tiers when asked. Driven over IPC by `poll-scale.ts`.
 */
const PROJECT_ID = '0215ef11e49d4743be23dd97a156bbbb';
const HW_AK = 'HWBENCHACCESSKEY00001';
const HW_SK = 'hw-bench-secret-key-00000000000000000001';
const NCP_AK = 'NCPBENCHACCESSKEY0001';
const NCP_SK = 'ncp-bench-secret-key-000000000000000001';
const UPCLOUD_TOKEN = 'ucat_upcloud-bench-token-00000000000001';
const SPEED = (0.1 * TOTAL_BYTES) / (BUSY_STEP_MS / 1000);

export interface WorldSpec {
  connections: { oms: number; ncp: number; upcloud: number };
  /** Resources per connection (all watched). */
  perConnection: number;
  /** Shares of resources that finish or fail during the busy step. */
  finishShare: number;
  failShare: number;
  seed: number;
  /**
   * Busy steps with endings (default 1): resource n ends in step n mod waves, so the replica rows
   * (`replica-scale.ts`) have fresh transitions in a second busy step.
   */
  waves?: number;
}

export interface WorldInfo {
  fakeSlackUrl: string;
  connections: Connection[];
  /** Resources that end during the busy step: state changes the watcher must report. */
  transitions: number;
}

export interface WorldStats {
  requests: { 'huawei-oms': number; ncp: number; upcloud: number; total: number };
  slackCalls: Record<string, number>;
  slackTotal: number;
  throttled: Record<string, number>;
  throttledTotal: number;
  /** CPU ms this process (every simulator and the fake Slack, one event loop) spent since `resetStats`. */
  cpuMs: number;
}

/** When the stats were reset: the world's CPU is counted from there. */
let cpuAtReset = process.cpuUsage();

const sims: { provider: 'huawei-oms' | 'ncp' | 'upcloud'; sim: Simulator }[] = [];
const clock = new SimClock();
clock.freeze(Date.now());
const fakeSlack = new FakeSlack({ botToken: BENCH_BOT_TOKEN, teamId: BENCH_TEAM });
const detection = new DetectionTracker();
fakeSlack.observe((call) => detection.call(call));
const posts = new PostTracker();
fakeSlack.observe((call, answer) => posts.call(call, answer));
let gaps: GapSampler | undefined;
/** Busy steps so far (`advance`). */
let step = 0;

async function start(spec: WorldSpec): Promise<WorldInfo> {
  await fakeSlack.start();
  const random = seededRandom(spec.seed);
  const connections: Connection[] = [];
  let transitions = 0;
  let n = 0;
  /** The next resource's fate: most move 10 points in the busy step, a few end in it. */
  const fate = () => {
    const r = random();
    const ends = r < spec.finishShare ? 'finish' : r < spec.finishShare + spec.failShare ? 'fail' : 'move';
    // Each busy step moves a resource 10 points: one of wave w is 10 points further from its end.
    const wave = n % (spec.waves ?? 1);
    if (ends !== 'move') {
      posts.ending(`bench-${n}`, wave);
      if (wave === 0) transitions++;
    }
    if (ends === 'fail' && wave === 0) detection.failing(`bench-${n}`);
    const progress = ends === 'finish' ? 0.95 - wave / 10 : ends === 'fail' ? 0.45 - wave / 10 : 0.2;
    return { ends, progress, name: `bench-${n++}` };
  };
  const source = {
    name: 'bench-src',
    accessKey: 'BENCHSOURCEKEY000001',
    secretKey: 'bench-source-secret-01',
  };
  for (let i = 0; i < spec.connections.oms; i++) {
    const sim = await new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK }, clock }).start();
    // Signatures are checked against real time; resources move only when the bench moves the clock.
    (sim as { auth: SimGatewayAuth }).auth = new SimGatewayAuth({
      keys: { [HW_AK]: HW_SK },
      users: [],
      now: Date.now,
    });
    for (let j = 0; j < spec.perConnection; j++) {
      const f = fate();
      sim.addTask({
        name: f.name,
        status: 2,
        totalSize: TOTAL_BYTES,
        speed: SPEED,
        progress: f.progress,
        ...(f.ends === 'fail' ? { failAt: 0.5, failCode: 'TRF.0004' } : {}),
      });
    }
    sims.push({ provider: 'huawei-oms', sim });
    connections.push({
      name: `hw-${String(i).padStart(3, '0')}`,
      provider: 'huawei-oms',
      endpoint: sim.url,
      projectId: PROJECT_ID,
      auth: { type: 'aksk', accessKey: HW_AK, secretKey: HW_SK },
      storage: { source },
    });
  }
  for (let i = 0; i < spec.connections.ncp; i++) {
    const sim = await new NcpSimulator({ keys: { [NCP_AK]: NCP_SK }, clock }).start();
    (sim as { auth: SimNcpGatewayAuth }).auth = new SimNcpGatewayAuth({
      keys: { [NCP_AK]: NCP_SK },
      now: Date.now,
    });
    for (let j = 0; j < spec.perConnection; j++) {
      const f = fate();
      sim.addPolicy({
        title: f.name,
        jobState: 'STARTED',
        totalSize: TOTAL_BYTES,
        speed: SPEED,
        progress: f.progress,
        ...(f.ends === 'fail' ? { failAt: 0.5 } : {}),
      });
    }
    sims.push({ provider: 'ncp', sim });
    connections.push({
      name: `ncp-${String(i).padStart(3, '0')}`,
      provider: 'ncp',
      endpoint: sim.url,
      region: 'KR',
      auth: { type: 'aksk', accessKey: NCP_AK, secretKey: NCP_SK },
      storage: { source },
    });
  }
  for (let i = 0; i < spec.connections.upcloud; i++) {
    const serviceId = `1200ecde-db95-4d1d-9c2c-${String(i).padStart(12, '0')}`;
    const sim = await new UpCloudSimulator({
      serviceIds: [serviceId],
      tokens: [UPCLOUD_TOKEN],
      clock,
    }).start();
    for (let j = 0; j < spec.perConnection; j++) {
      const f = fate();
      sim.addJob({
        name: f.name,
        serviceId,
        status: 'running',
        totalBytes: TOTAL_BYTES,
        speed: SPEED,
        progress: f.progress,
        ...(f.ends === 'fail' ? { failAt: 0.5, failMessage: 'Access denied to the source bucket.' } : {}),
      });
    }
    sims.push({ provider: 'upcloud', sim });
    connections.push({
      name: `up-${String(i).padStart(3, '0')}`,
      provider: 'upcloud',
      endpoint: sim.url,
      serviceId,
      auth: { type: 'bearer', token: UPCLOUD_TOKEN },
      storage: { source },
    });
  }
  gaps = new GapSampler(
    connections.map((c) => c.name),
    () => sims.map(({ sim }) => sim.server.requestCount),
  );
  return { fakeSlackUrl: fakeSlack.url, connections, transitions };
}

function stats(): WorldStats {
  const requests = { 'huawei-oms': 0, ncp: 0, upcloud: 0, total: 0 };
  for (const { provider, sim } of sims) {
    requests[provider] += sim.server.requestCount;
    requests.total += sim.server.requestCount;
  }
  const count = (methods: string[]) => {
    const out: Record<string, number> = {};
    for (const m of methods) out[m] = (out[m] ?? 0) + 1;
    return out;
  };
  return {
    requests,
    slackCalls: count(fakeSlack.calls.map((c) => c.method)),
    slackTotal: fakeSlack.calls.length,
    throttled: count(fakeSlack.throttled.map((t) => t.method)),
    throttledTotal: fakeSlack.throttled.length,
    cpuMs: Math.round(cpuMsOf(process.cpuUsage(cpuAtReset))),
  };
}

const cpuMsOf = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

serveRpc({
  start,
  stats,
  resetStats() {
    cpuAtReset = process.cpuUsage();
    for (const { sim } of sims) sim.server.resetRequestCount();
    gaps?.rebase();
    fakeSlack.clear();
    fakeSlack.throttled.length = 0;
  },
  /** Added to every provider request (simulated round trip). */
  latency({ ms }: { ms: number }) {
    for (const { sim } of sims) sim.faults.configure({ latencyMs: ms });
  },
  /** Moves the simulated clock: running resources progress, some end. */
  advance({ ms }: { ms: number }) {
    detection.flipped();
    posts.step(step++);
    clock.advance(ms);
  },
  /** The replica rows: unpolled gaps from now on, and what Slack heard of the last busy step. */
  gapsStart: () => gaps?.start(),
  gaps: () => gaps?.longest(),
  posts: () => posts.figures(),
  detection: () => detection.figures(),
  tiers({ on }: { on: boolean }) {
    fakeSlack.setTierLimits(on);
  },
  async stop() {
    gaps?.stop();
    await Promise.all([fakeSlack.stop(), ...sims.map(({ sim }) => sim.stop())]);
  },
});
