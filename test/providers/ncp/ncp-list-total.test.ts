import { beforeEach, describe, expect, it } from 'vitest';
import { NcpSimulator, READINGS } from '../../../dev/simulators/ncp/index.js';
import { NcpProvider } from '../../../src/providers/ncp/index.js';
import { ncpSeedConnection } from '../../fixtures/seed-connections.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { useSimulator } from '../simulator-rig.js';

// providers.md §1.3, GetMigrationJobList: "List response body: `objStrContracted` …, `num`
// (Integer, number of policies), `jobList`". Whether `num` counts the whole list or the page answered
// is not said, so the simulator offers both (READINGS.listNum) and the client must be right under
// either: a page's total is the list's or absent, never the page's own length, and a reader paging
// while `offset + limit < total` reaches every policy.

const AK = 'NCPSIMACCESSKEY00037';
const SK = 'ncp-sim-secret-key-00000000000000000037';
const sim = new NcpSimulator({ keys: { [AK]: SK } });
const pools = useSimulator(sim);
const { logger } = captureLogger('fatal');
const connection = ncpSeedConnection({ region: 'KR', auth: { type: 'aksk', accessKey: AK, secretKey: SK } });
const provider = () =>
  new NcpProvider({ ...connection, endpoint: sim.url }, { pools, logger }, () => sim.clock.now());

describe.each([
  { reading: READINGS.listNum.usual, otherReadings: false as const },
  { reading: READINGS.listNum.other, otherReadings: ['listNum'] },
])('GetMigrationJobList when $reading (providers.md §1.3 "num")', ({ otherReadings }) => {
  beforeEach(() => {
    sim.policies.clear();
    sim.clock.freeze();
    sim.setShapes({ otherReadings });
    for (let i = 0; i < 25; i++) {
      sim.addPolicy({ title: `p${String(i).padStart(2, '0')}`, jobState: 'PAUSED' });
      sim.clock.advance(1_000);
    }
  });

  it('never gives a page its own length as the total of 25 policies', async () => {
    const first = await provider().list({ kind: 'policy', limit: 10, offset: 0 });
    expect(first.resources).toHaveLength(10);
    expect([25, undefined]).toContain(first.total);
  });

  it('paging while offset + limit < total (or with no total, until a short page) shows all 25 once', async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 100; offset += 10) {
      const page = await provider().list({ kind: 'policy', limit: 10, offset });
      seen.push(...page.resources.map((r) => r.id));
      if (page.total !== undefined ? offset + 10 >= page.total : page.resources.length < 10) break;
    }
    expect(new Set(seen).size).toBe(25);
    expect(seen).toHaveLength(25);
  });

  it('a full last page (offset 20, limit 5 of 25) keeps the total where num cannot be the page count', async () => {
    const page = await provider().list({ kind: 'policy', limit: 5, offset: 20 });
    expect(page.resources).toHaveLength(5);
    expect([25, undefined]).toContain(page.total);
    if (!otherReadings) expect(page.total).toBe(25);
  });

  it('the last, short page gives the exact total under either reading', async () => {
    const last = await provider().list({ kind: 'policy', limit: 10, offset: 20 });
    expect(last.resources).toHaveLength(5);
    expect(last.total).toBe(25);
  });
});
