import { planEndScenario } from './plan-end-scenario.js';

/**
 * A plan of three waves over the three simulators run to its end, in English: a failure holds
 * wave 3 until it is restarted. Screenshots go to test-artifacts/screens/plan-end-*-en-*.png.
 */
planEndScenario({
  lang: 'en',
  locale: 'en-US',
  approved: 'Approved by @Bob',
  held: /held by weekend-en-\d+ on ncp-sim in wave 2 \(.*Failed\); it opens once that one is done/,
  failedEta: 'no estimate of when it opens until the failure is retried',
  restart: 'Resume',
  report: 'Report of plan',
  wave1: /Wave 1 · \d+ s · 2 of 2 succeeded · 0 failed · 3\.0 GiB · 6,000 objects/,
  totals: 'Moved 17.0 GiB (24,000 objects) · left 0 B (0 objects)',
  wordBreak: 'normal',
  wrong: [],
  approving: [
    /^Approving starts plan estate-end-en-\d+ now\./m,
    /Wave 1 opens at once\./,
    /2 paused migrations are resumed \([\d.]+ GiB left to move\)\./,
    /1 more is created when its wave opens\./,
  ],
  signoff: 'Sign off plan',
  signedLine: 'signed off by @Bob (the whole plan)',
});
