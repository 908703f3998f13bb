import type { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';

/** OMS task states after which nothing moves (seed 002: 4 failed, 5 succeeded). */
const ENDED = new Set([4, 5]);

/**
 * A step that moves OMS's clock `stepMs` while task `id` runs, and no further once it ended. The
 * bot signs on real time and OMS refuses a signature 15 minutes off its own clock: the turns a
 * loaded machine adds to a wait must not carry a simulator that a file's tests share past that.
 */
export function advanceWhileRunning(oms: OmsSimulator, id: string, stepMs = 60_000): () => void {
  return () => {
    const status = oms.task(id)?.status;
    if (status !== undefined && !ENDED.has(status)) oms.clock.advance(stepMs);
  };
}
