import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixedPorts, simulatorLines, startSeededSimulators } from './seeded-simulators.js';

/**
 * `npm run simulators`: every registered provider simulator (./registry.ts) on fixed loopback
 * ports, seeded, with a connections file and the environment variables that point the real bot at them.
 */
async function main(): Promise<void> {
  const sims = await startSeededSimulators(fixedPorts(process.env));
  const dir = path.resolve('data');
  mkdirSync(dir, { recursive: true });
  const connectionsFile = path.join(dir, 'simulators.connections.yml');
  writeFileSync(connectionsFile, sims.connectionsYaml);
  const envFile = path.join(dir, 'simulators.env');
  // Loopback is reached only where the allow-list says so: the simulators and their bucket store.
  const allowed = [...sims.running.map((r) => r.url), sims.objects.url].join(',');
  const exports = Object.entries({
    ...sims.env,
    MIGRATE_BOT_CONNECTIONS: connectionsFile,
    MIGRATE_BOT_ALLOWED_ENDPOINTS: allowed,
  }).map(([k, v]) => `export ${k}=${v}`);
  writeFileSync(envFile, `${exports.join('\n')}\n`, { mode: 0o600 });
  console.log(
    [
      'Provider simulators running on loopback:',
      ...simulatorLines(sims),
      '',
      `Connections file: ${connectionsFile}`,
      `Point the bot at them:  source ${envFile} && npm start   (with your Slack settings)`,
      'Fault injection: POST <simulator>/__sim/faults {"settings":{"rate5xx":0.2,"latencyMs":50}}',
    ].join('\n'),
  );
  const stop = () => {
    sims.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
