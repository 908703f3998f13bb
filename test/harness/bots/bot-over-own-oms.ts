import { afterAll, beforeAll } from 'vitest';
import { OmsSimulator, type OmsSimulatorOptions } from '../../../dev/simulators/huawei-oms/index.js';
import { HW_AK, HW_SK, omsConnection, PROJECT_ID, TestBot } from '../test-bot.js';

/**
 * A bot whose one connection, `name`, leads to an OMS simulator of its own (the harness's project
 * and keys, with `options`), for the describe block or file that calls this: the simulator starts
 * before the bot, and both stop after the last test.
 */
export function botOverOwnOms(
  name: string,
  options: Partial<OmsSimulatorOptions> = {},
): { oms: OmsSimulator; t: TestBot } {
  const oms = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK }, ...options });
  const t = new TestBot();
  beforeAll(async () => {
    await oms.start();
    await t.start({ connections: () => [omsConnection(name, oms.url)] });
  });
  afterAll(async () => {
    await t.stop();
    await oms.stop();
  });
  return { oms, t };
}
