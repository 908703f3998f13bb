/** Shared by the poll benchmark's processes (imported without starting any of them). */
export const BENCH_TEAM = 'T0FAKE001';
export const BENCH_BOT_TOKEN = 'xoxb-bench-0000-token-migrate-bot';
/** Every resource is 100 GiB: one busy step of `BUSY_STEP_MS` moves it by 10 points. */
export const TOTAL_BYTES = 100 * 1024 ** 3;
export const BUSY_STEP_MS = 120_000;
