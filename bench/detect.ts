import { type PollScaleRow, runPollScale } from './poll/poll-scale.js';

/** `--only=detect [--watches=N]`: the poll benchmark on the memory store, for its failure detection. */
export function runDetection(
  watches: string | undefined,
  log: (line: string) => void,
): Promise<PollScaleRow[]> {
  return runPollScale({ sizes: [Number(watches ?? 10_000)], store: 'memory', naiveUpTo: 0, log });
}
