import { afterAll, beforeAll } from 'vitest';
import { UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import type { Connection, StorageCredential } from '../../../src/connections/connection.js';
import { omsConnection } from '../test-bot.js';
import { omsBot } from './oms-bot.js';

type BotOptions = Omit<NonNullable<Parameters<typeof omsBot>[0]>, 'connections'>;

/**
 * A test bot on the OMS simulator (`hw-prod`) and an UpCloud simulator of one service (`up-fi`,
 * with the bucket keys `source`, or none), the simulator started before the bot and stopped after
 * it. `between` adds connections after `hw-prod`; `freeze` stops both simulators' clocks.
 */
export function omsAndUpCloudBot(
  keys: { service: string; token: string; source?: StorageCredential },
  options: BotOptions & { between?: (omsUrl: string) => Connection[] } = {},
) {
  const { between, freeze, ...start } = options;
  const upcloud = new UpCloudSimulator({ serviceIds: [keys.service], tokens: [keys.token] });
  beforeAll(async () => {
    await upcloud.start();
  });
  afterAll(async () => {
    await upcloud.stop();
  });
  // Registered after the simulator's hooks: started after it, stopped before it.
  const t = omsBot({
    ...start,
    freeze,
    connections: (omsUrl) => [
      omsConnection('hw-prod', omsUrl),
      ...(between?.(omsUrl) ?? []),
      {
        name: 'up-fi',
        provider: 'upcloud',
        endpoint: upcloud.url,
        serviceId: keys.service,
        auth: { type: 'bearer', token: keys.token },
        storage: keys.source ? { source: keys.source } : {},
      },
    ],
  });
  if (freeze)
    beforeAll(() => {
      upcloud.clock.freeze();
    });
  return { t, upcloud };
}
