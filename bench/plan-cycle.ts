import { pathToFileURL } from 'node:url';
import { NcpSimulator } from '../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../dev/simulators/upcloud/index.js';
import { messageText, omsConnection, TestBot } from '../test/harness/test-bot.js';
import type { Target } from './targets.js';

/**
 * Issue 60's row: a plan of 200 migrations over three clouds (OMS tasks, NCP policies, UpCloud
 * jobs) asks no provider more per cycle than the watches it already polls. The real app in this
 * process over loopback HTTP (the tests' `TestBot`, fake Slack, the three simulators, memory
 * store). First the same resources are followed by subscriptions of their connections, and the
 * provider requests of each cycle counted at the simulators; then a plan takes all of them in
 * three waves and is started, and each cycle (its gate pass before it, its card's edit after) is
 * counted again. The ratio is of the medians, in one run; the gate pass and the card's view are
 * timed too. Nothing is paused, so opening a wave starts nothing and asks no provider.
 */
export interface PlanCycleResult {
  smoke: boolean;
  resources: number;
  cycles: number;
  /** Provider requests per cycle, median: subscriptions only, then with the plan. */
  without: number;
  withPlan: number;
  ratio: number;
  /** The plan's gate pass (card view, store reads, edit when changed), ms: median, most. */
  gatePassMs: { median: number; max: number };
  cardEdits: number;
}

const CHANNEL = 'C0BENCHPL';
const SUBS = 'C0BENCHSB';
const NCP_AK = 'NCPBENCHPLANSKEY0001';
const NCP_SK = 'ncp-bench-plans-secret-0000000000000001';
const SERVICE = '1200ecde-db95-4d1d-9c2c-000000000062';
const UC_TOKEN = 'ucat_01BENCHPLANS0TOKEN000000000001';
const source = { name: 'bench-src', accessKey: 'BENCHPLANSSOURCEK01', secretKey: 'bench-plans-secret-1' };
const GiB = 1024 ** 3;
/** No extra provider read per cycle: the plan's cycles ask at most what the watches ask. */
export const PLAN_CYCLE_RATIO_TARGET = 1;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function runPlanCycle(options: { smoke: boolean; log: (line: string) => void }) {
  const perCloud = options.smoke ? 10 : 67;
  const cycles = options.smoke ? 3 : 10;
  const ncp = new NcpSimulator({ keys: { [NCP_AK]: NCP_SK } });
  const upcloud = new UpCloudSimulator({ serviceIds: [SERVICE], tokens: [UC_TOKEN] });
  await Promise.all([ncp.start(), upcloud.start()]);
  const t = new TestBot();
  await t.start({
    connections: (omsUrl) => [
      omsConnection('hw-prod', omsUrl),
      {
        name: 'ncp-kr',
        provider: 'ncp',
        endpoint: ncp.url,
        region: 'KR',
        auth: { type: 'aksk', accessKey: NCP_AK, secretKey: NCP_SK },
        storage: { source },
      },
      {
        name: 'up-fi',
        provider: 'upcloud',
        endpoint: upcloud.url,
        serviceId: SERVICE,
        auth: { type: 'bearer', token: UC_TOKEN },
        storage: { source },
      },
    ],
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { editBudget: { windowMs: 10_000, max: 100_000 } },
  });
  try {
    for (const sim of [t.oms, ncp, upcloud]) sim.clock.freeze();
    const refs: string[] = [];
    for (let i = 0; i < perCloud; i++) {
      const n = String(i).padStart(3, '0');
      refs.push(
        `hw-prod:${t.oms.addTask({ name: `bench-oms-${n}`, status: 2, progress: 0.2, totalSize: 100 * GiB }).id}`,
      );
      ncp.addPolicy({
        title: `bench-ncp-${n}`,
        jobState: 'STARTED',
        totalSize: 100 * GiB,
        totalObjects: 1000,
        progress: 0.2,
        speed: 1,
      });
      refs.push(`ncp-kr:bench-ncp-${n}`);
      refs.push(
        `up-fi:${upcloud.addJob({ name: `bench-up-${n}`, serviceId: SERVICE, status: 'running', progress: 0.2 }).uuid}`,
      );
    }
    // 200 in all (the plan's limit): the last UpCloud job is left to the subscriptions alone.
    if (!options.smoke) refs.splice(200);
    const sims = [t.oms, ncp, upcloud];
    const asked = () => sims.reduce((s, sim) => s + sim.server.requestCount, 0);
    const perCycle = async (): Promise<{ requests: number[]; passMs: number[] }> => {
      const requests: number[] = [];
      const passMs: number[] = [];
      for (let i = 0; i < cycles; i++) {
        // The migrations move between cycles: the plan's card has something to edit.
        for (const sim of sims) sim.clock.advance(10_000);
        const before = asked();
        const started = performance.now();
        await t.bot.deps.watcher.runCycle();
        passMs.push(performance.now() - started);
        requests.push(asked() - before);
      }
      return { requests, passMs };
    };
    for (const c of ['hw-prod', 'ncp-kr', 'up-fi'])
      await t.ask(`subscribe ${c} failures`, { userId: 'U0ALICE01', channelId: SUBS });
    await perCycle(); // the watches' first reads
    const without = await perCycle();
    options.log(`  plan cycle: without the plan ${without.requests.join(' ')} requests per cycle`);

    const here = { userId: 'U0ALICE01', channelId: CHANNEL };
    await t.ask('plan new bench-estate', here);
    const wave = (i: number) => 1 + Math.floor((i * 3) / refs.length);
    for (let i = 0; i < refs.length; i += 20) {
      const chunk = refs.slice(i, i + 20);
      const answer = messageText(
        await t.ask(`plan add bench-estate ${chunk.join(' ')} wave ${wave(i)}`, here),
      );
      if (!answer.includes('Added')) throw new Error(`plan add: ${answer}`);
    }
    const started = messageText(await t.ask('plan start bench-estate', here));
    if (!started.includes('started')) throw new Error(`plan start: ${started}`);
    await perCycle(); // the plan's watches' first reads
    const edits = () => t.fakeSlack.callsTo('chat.update').filter((c) => c.body.channel === CHANNEL).length;
    const editsBefore = edits();
    const withPlan = await perCycle();
    // What one gate pass takes once the watches are read, with the card's view and edit.
    const state = t.bot.deps.capabilities.stateOf('plans') as Parameters<typeof gatePassOf>[0];
    const gate: number[] = [];
    for (let i = 0; i < cycles; i++) {
      const at = performance.now();
      await gatePassOf(state);
      gate.push(performance.now() - at);
    }
    options.log(`  plan cycle: with the plan ${withPlan.requests.join(' ')} requests per cycle`);
    const result: PlanCycleResult = {
      smoke: options.smoke,
      resources: refs.length,
      cycles,
      without: median(without.requests),
      withPlan: median(withPlan.requests),
      ratio: Math.round((median(withPlan.requests) / Math.max(1, median(without.requests))) * 100) / 100,
      gatePassMs: {
        median: Math.round(median(gate) * 10) / 10,
        max: Math.round(Math.max(...gate) * 10) / 10,
      },
      cardEdits: edits() - editsBefore,
    };
    options.log(
      `  plan cycle: ${result.withPlan} ÷ ${result.without} = ${result.ratio}; gate pass ${result.gatePassMs.median} ms`,
    );
    return result;
  } finally {
    await t.stop();
    await Promise.all([ncp.stop(), upcloud.stop()]);
  }
}

async function gatePassOf(state: import('../src/capabilities/plans/plan-service.js').PlansState) {
  const { gatePass } = await import('../src/capabilities/plans/plan-service.js');
  await gatePass(state);
}

/** Judged on the ratio of the medians; a smoke run is shown, not judged. */
export function planCycleTargets(r: PlanCycleResult | undefined): Target[] {
  if (!r) return [];
  return [
    {
      what: `provider requests per cycle with a plan of ${r.resources} migrations over 3 clouds ÷ without it (same watches${r.smoke ? '; smoke' : ''})`,
      target: `≤ ${PLAN_CYCLE_RATIO_TARGET}`,
      figure: `${r.ratio} (${r.withPlan} ÷ ${r.without}); gate pass ${r.gatePassMs.median} ms (most ${r.gatePassMs.max} ms)`,
      met: r.smoke ? null : r.ratio <= PLAN_CYCLE_RATIO_TARGET,
    },
  ];
}

export function planCycleSection(r: PlanCycleResult | undefined): string[] {
  if (!r) return [];
  return [
    '## A plan’s cycle',
    '',
    `Issue 60: a plan of ${r.resources} migrations over OMS, NCP and UpCloud (three waves) adds no provider read per cycle beyond the watches it already polls: the same resources followed by subscriptions, ${r.cycles} cycles counted at the simulators, then the plan started over them and ${r.cycles} cycles counted again (its gate pass before each, its card's edit after). ${r.cardEdits} card edits in those cycles; a gate pass alone takes ${r.gatePassMs.median} ms (most ${r.gatePassMs.max} ms).`,
    '',
    '| provider requests per cycle (median) | without the plan | with the plan | ratio |',
    '|---|---|---|---|',
    `| ${r.resources} migrations, 3 clouds | ${r.without} | ${r.withPlan} | ${r.ratio} |`,
    '',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runPlanCycle({ smoke: process.argv.includes('--smoke'), log: (line) => console.log(line) })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
