import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where the ack benchmarks' processes run. In production the bot has its CPU to itself: Slack (the
 * load generator here) and the clouds (the simulators and fake Slack, "the world") are other
 * machines. On one 2-core machine they all share both cores, so a burst's acks also wait on the
 * world answering earlier requests' provider calls and posts, which the bare floors (they do
 * nothing after the ack) never cause. `placed`: the process under test (the bot or a floor) runs
 * alone on the last CPU; the load generator and the world share the others, the world at the
 * lowest priority so that it never holds up the load generator's clock. `shared`: no affinity set.
 */
export type PlacementMode = 'placed' | 'shared';

export interface Placement {
  mode: PlacementMode;
  /** `taskset -c` lists: the process under test, and the load generator with the world. */
  underTest: string;
  others: string;
}

export type ProcessRole = 'under-test' | 'world';

const cpus = availableParallelism();
const ALL = `0-${cpus - 1}`;
let tasksetChecked: boolean | undefined;

function tasksetWorks(): boolean {
  tasksetChecked ??= spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
  return tasksetChecked;
}

/** `placed` where the machine allows it (2 CPUs or more, `taskset`), else `shared`. */
export function cpuPlacement(wanted: PlacementMode): Placement {
  if (wanted === 'shared' || cpus < 2 || !tasksetWorks())
    return { mode: 'shared', underTest: ALL, others: ALL };
  return { mode: 'placed', underTest: String(cpus - 1), others: cpus === 2 ? '0' : `0-${cpus - 2}` };
}

/** The command that starts `node <nodeArgs>` in its place: `taskset` (and `nice` for the world) in front. */
export function placedCommand(
  placement: Placement,
  role: ProcessRole,
  nodeArgs: string[],
): { file: string; args: string[] } {
  if (placement.mode === 'shared') return { file: process.execPath, args: nodeArgs };
  const node = [process.execPath, ...nodeArgs];
  if (role === 'under-test') return { file: 'taskset', args: ['-c', placement.underTest, ...node] };
  return { file: 'taskset', args: ['-c', placement.others, 'nice', '-n', '19', ...node] };
}

function setOwnAffinity(list: string): void {
  // -a: every thread of this process (libuv's pool and V8's helpers), not only the main one.
  const result = spawnSync('taskset', ['-a', '-cp', list, String(process.pid)], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`taskset could not move the load generator to CPUs ${list}`);
}

/**
 * Runs `work` with this process (the load generator) off the CPU of the process under test, and
 * gives it every CPU back afterwards (the poll benchmark's processes inherit its affinity).
 */
export async function asLoadGenerator<T>(placement: Placement, work: () => Promise<T>): Promise<T> {
  if (placement.mode === 'shared') return work();
  setOwnAffinity(placement.others);
  try {
    return await work();
  } finally {
    setOwnAffinity(ALL);
  }
}
