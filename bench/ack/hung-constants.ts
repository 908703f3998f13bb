/** Shared by the benchmark processes (`bot-process.ts` runs on import, so nothing imports it). */

/** The task every `/migrate status` of the benchmarks reads, on each simulator. */
export const BENCH_TASK_ID = '191297407830872';
/** The workspace whose connection `hw-hung` the hung-provider benchmark makes hang. */
export const HUNG_WORKSPACE = 'T0HUNG001';
