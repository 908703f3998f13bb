import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** CPU time a process has used so far, in clock ticks (`/proc/<pid>/stat` utime + stime); 0 if gone. */
function cpuTicks(pid: number): number {
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * Waits until none of `pids` uses the CPU any more (at most one clock tick each, 10 ms, over a
 * 100 ms window), so that one burst's work after its acks is not counted in the next burst's
 * acks, whichever process that burst goes to. Bounded by `maxMs`; without `/proc` it only waits.
 */
export async function untilIdle(pids: readonly number[], maxMs = 10_000): Promise<void> {
  const started = performance.now();
  let before = pids.map(cpuTicks);
  while (performance.now() - started < maxMs) {
    await sleep(100);
    const now = pids.map(cpuTicks);
    if (now.every((ticks, i) => ticks - before[i]! <= 1)) return;
    before = now;
  }
}
