import type { Locator } from 'playwright-core';
import { WATCHED_AT_START } from '../../../../dev/playground/start-playground.js';
import { GiB, type SeedTask, type SimTask } from '../../../../dev/simulators/huawei-oms/index.js';
import type { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';

type Screens = ReturnType<typeof usePlaygroundScreens>;

/** name, progress, GiB, MiB/s, the S3 region and bucket, and the OBS region (cn-north-4 unless said). */
type S3Task = readonly [string, number, number, number, string, string, string?];

/** Running OMS tasks, one a row, each from its S3 bucket to `<bucket>-obs`. */
export function s3Tasks<const T extends readonly S3Task[]>(
  screen: Screens,
  ...rows: T
): { [K in keyof T]: SimTask } {
  const oms = screen.playground.simulators.get('huawei-oms');
  return rows.map(([name, progress, gib, mibPerS, region, bucket, to = 'cn-north-4']) =>
    oms.addTask({
      name,
      status: 2,
      progress,
      totalSize: gib * GiB,
      speed: mibPerS * 1024 ** 2,
      src: { cloud_type: 'AWS', region, bucket },
      dst: { region: to, bucket: `${bucket}-obs` },
    }),
  ) as { [K in keyof T]: SimTask };
}

/**
 * An OMS task of 48 GiB failing with TRF.0015 (refused source keys) at 14 % from 12 %: about 15 s
 * on at the simulator's default speed. `change` replaces what the case needs otherwise.
 */
export function failingTask(screen: Screens, name: string, change: Partial<SeedTask> = {}): SimTask {
  return screen.playground.simulators.get('huawei-oms').addTask({
    name,
    status: 2,
    progress: 0.12,
    totalSize: 48 * GiB,
    totalNum: 310_000,
    failAt: 0.14,
    failCode: 'TRF.0015',
    failMessage: 'The source AK/SK is invalid or has expired.',
    src: { cloud_type: 'Azure', region: 'westeurope', bucket: 'invoices' },
    dst: { region: 'cn-north-4', bucket: 'invoices-obs' },
    ...change,
  });
}

/**
 * `failingTask` watched in the channel; once the watch has it running, the clock is moved past its
 * failure (rather than waited for).
 */
export async function watchFailing(
  screen: Screens,
  name: string,
  change: Partial<SeedTask> = {},
): Promise<SimTask> {
  const task = failingTask(screen, name, change);
  await screen.type(`/migrate watch hw-sim:${task.id}`);
  await screen.advanceWhenRunning(task.id);
  return task;
}

/**
 * The failure post of the seeded watched task (invoices-azure, TRF.0015), broadcast to the
 * channel, once shown: it fails about 15 s after start, and the clock is moved there.
 */
export async function seededFailurePost(screen: Screens): Promise<Locator> {
  const post = screen.page
    .locator('#messages .message')
    .filter({ hasText: 'replied to a thread' })
    .filter({ hasText: /TRF\.0015/ })
    .first();
  await screen.advanceWhenRunning(WATCHED_AT_START.id);
  await post.waitFor({ timeout: 60_000 });
  return post;
}

/** The watcher's card of `name` in the channel: the message whose replies are its thread. */
export function channelCard(screen: Screens, name: string): Locator {
  return screen.page
    .locator('#messages .message')
    .filter({ hasText: name })
    .filter({ has: screen.page.locator('.thread-summary') })
    .last();
}
