import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendPlaygroundCommand } from '../../dev/playground/send-command.js';
import { startPlayground } from '../../dev/playground/start-playground.js';
import { registerSimulator, SIMULATORS } from '../../dev/simulators/registry.js';
import { fixedPorts, simulatorLines } from '../../dev/simulators/seeded-simulators.js';
import { PROVIDER_IDS, registerProvider } from '../../src/providers/registry.js';
import { toyDefinition } from './toy-provider/provider.js';
import { type ToySimulator, toyLaunch } from './toy-provider/simulator.js';

// Issue 47 item 3: a fourth provider touches one folder. The toy lives only in the test tree
// (./toy-provider/: a client, a definition and a simulator) and is added by the two lines
// CONTRIBUTING's recipe names, one per registry; nothing else in the tree changes for it.
registerProvider(toyDefinition);
registerSimulator(toyLaunch);

let playground: Awaited<ReturnType<typeof startPlayground>>;
let toy: ToySimulator;

beforeAll(async () => {
  playground = await startPlayground({ PORT: '0', STORE_URL: 'memory://', LOG_LEVEL: 'silent' });
  toy = playground.simulators.get('toy') as ToySimulator;
});
afterAll(async () => {
  await playground?.stop();
});

describe('a fourth provider added with one folder and one line per registry', () => {
  it('is registered beside the built-in providers and simulators', () => {
    expect(PROVIDER_IDS.at(-1)).toBe('toy');
    expect(SIMULATORS.map((s) => s.id)).toEqual(PROVIDER_IDS);
    // `npm run simulators` gives it its fixed port, moved by its own variable like the others'.
    expect(fixedPorts({})).toMatchObject({ 'huawei-oms': 4101, toy: 4199 });
    expect(fixedPorts({ TOY_SIM_PORT: '4299' }).toy).toBe(4299);
  });

  it('gets a connection in the simulators file, a line in their banner and a seed', () => {
    expect(playground.simulators.connectionsYaml).toMatch(/- name: toy-sim\n\s+provider: toy\n/);
    const connection = playground.simulators.connections.find((c) => c.name === 'toy-sim');
    expect(connection).toMatchObject({ provider: 'toy', endpoint: toy.url, auth: { type: 'bearer' } });
    // The token is this run's, read from the environment the file names.
    expect(connection?.auth).toEqual({ type: 'bearer', token: playground.simulators.env.SIM_TOY_TOKEN });
    expect(simulatorLines(playground.simulators)).toContain(`  toy         ${toy.url}   (toy copy jobs)`);
    expect([...toy.jobs.values()].map((j) => j.name)).toEqual(['toy-photos-copy', 'toy-ledger-copy']);
  });

  it('is in the playground: its address, and what /migrate connect asks for', () => {
    expect(playground.info.simulators.toy).toBe(toy.url);
    expect(playground.info.connect.toy).toEqual({
      endpoint: toy.url,
      token: playground.simulators.env.SIM_TOY_TOKEN,
    });
  });

  it('answers /migrate status of a toy job through a signed request, read from its simulator', async () => {
    toy.server.resetRequestCount();
    const card = await sendPlaygroundCommand(playground.info, 'status toy-sim:toy-0001');
    expect(card).toContain('toy-photos-copy');
    expect(card).toContain('Migrating · ▰▰▱▱▱▱▱▱ 25%');
    expect(card).toContain('Data: 3.0 GiB / 12.0 GiB');
    expect(card).toContain('Source: toy-photos');
    expect(card).toContain('[Pause]');
    // Read over loopback with the run's token: the simulator refuses any other.
    expect(toy.server.requestCount).toBeGreaterThan(0);
  });

  it('pauses a toy job through a signed request: the simulator holds it', async () => {
    const answer = await sendPlaygroundCommand(playground.info, 'pause toy-sim:toy-0001');
    expect(answer).toContain('toy-photos-copy');
    expect(toy.jobs.get('toy-0001')?.status).toBe('HELD');
  });

  it('lists toy jobs beside the other providers’ resources', async () => {
    const list = await sendPlaygroundCommand(playground.info, 'list');
    for (const name of ['toy-photos-copy', 'photos-aws-to-obs', 'media-s3-to-ncp', 'eu-archive-move'])
      expect(list).toContain(name);
  });
});
