import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GiB, NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import type { Connection } from '../../../src/connections/connection.js';
import { InvalidInputError } from '../../../src/errors.js';
import { NcpObjectMigrationClient } from '../../../src/providers/ncp/client.js';
import type { NcpPolicyBody } from '../../../src/providers/ncp/schemas.js';
import { NCP_HEADERS, signNcpRequest } from '../../../src/providers/ncp/signer.js';
import { seedPolicyBody } from '../../fixtures/ncp-seed-policy.js';
import { buttons, messageText, TestBot } from '../../harness/test-bot.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { useSimulator } from '../simulator-rig.js';

/*
 * Issue #37 items 8 and 15. providers.md §1.1, the title rule: "Title rule: up to 100 bytes. The
 * only special characters allowed are `.`, `-` and `_`." A limit in bytes implies letters beyond
 * ASCII: a policy NCP returns with a Hangul title must open, pause and delete, and the bot checks
 * only the titles it sends, counting the limit in UTF-8 bytes.
 */

const AK = 'NCPTITLEACCESSKEY001';
const SK = 'ncp-title-secret-key-0000000000000000001';
const SOURCE_SECRET = 'aws-source-secret-key-title-tests-0000001';
const HANGUL = '데이터_이관-2024';
const SHORT_HANGUL = '백업';

const sim = new NcpSimulator({ keys: { [AK]: SK }, timings: { speedBytesPerSecond: GiB } });
const pools = useSimulator(sim, { reset: () => sim.policies.clear() });
const { logger } = captureLogger();

function connection(endpoint = sim.url): Connection {
  return {
    name: 'ncp-kr',
    provider: 'ncp',
    endpoint,
    auth: { type: 'aksk', accessKey: AK, secretKey: SK },
    storage: { source: { name: 'aws', accessKey: 'AKIASOURCE0000000001', secretKey: SOURCE_SECRET } },
  };
}

const client = () => new NcpObjectMigrationClient(connection(), { pools, logger }, () => sim.clock.now());

function body(title: string): NcpPolicyBody {
  return seedPolicyBody(title, { accessKey: 'AKIASOURCE0000000001', secretKey: SOURCE_SECRET });
}

/** A create signed as the gateway expects, sent as is: what the simulator does with it, no client check. */
async function rawCreate(title: string): Promise<{ status: number; body: unknown }> {
  const uri = '/migration-api/v1/policy';
  const timestamp = String(sim.clock.now());
  const response = await fetch(`${sim.url}${uri}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [NCP_HEADERS.timestamp]: timestamp,
      [NCP_HEADERS.accessKey]: AK,
      [NCP_HEADERS.region]: 'KR',
      [NCP_HEADERS.signature]: signNcpRequest({ method: 'POST', uri, timestamp, accessKey: AK }, SK),
    },
    body: JSON.stringify(body(title)),
  });
  return { status: response.status, body: await response.json() };
}

describe('NCP titles beyond ASCII (providers.md §1.1: "up to 100 bytes")', () => {
  it('opens, pauses, starts and deletes a policy whose title is Hangul, as NCP returned it', async () => {
    sim.addPolicy({ title: HANGUL, jobState: 'STARTED' });
    const c = client();
    const listed = await c.listPolicies({ limit: 10, page: 0 });
    expect(listed.jobList.map((p) => p.title)).toEqual([HANGUL]);
    expect((await c.getPolicy(HANGUL)).jobState).toBe('STARTED');
    expect((await c.pausePolicy(HANGUL)).jobState).toBe('PAUSED');
    expect((await c.startPolicy(HANGUL)).jobState).toBe('STARTED');
    await c.pausePolicy(HANGUL);
    expect((await c.deletePolicy(HANGUL)).jobState).toBe('DELETED');
    expect(sim.policy(HANGUL)).toBeUndefined();
  });

  it('uses any title NCP returns, refusing only what a URL cannot address', async () => {
    // Made in the console, say: a space is outside the create rule, and still the policy's name.
    const made = sim.addPolicy({ title: 'placeholder' });
    sim.policies.delete(made.title);
    made.title = 'console made';
    sim.policies.set(made.title, made);
    expect((await client().getPolicy('console made')).title).toBe('console made');
    sim.server.resetRequestCount();
    for (const title of ['', '.', '..']) {
      await expect(client().getPolicy(title)).rejects.toThrow(InvalidInputError);
    }
    expect(sim.server.requestCount).toBe(0);
  });

  it('creates a Hangul title of 99 bytes and refuses one of 102 before sending, counting UTF-8 bytes', async () => {
    const fits = '가'.repeat(33);
    await expect(client().createPolicy(body(fits))).resolves.toMatchObject({ title: fits });
    sim.server.resetRequestCount();
    const tooLong = client().createPolicy(body('가'.repeat(34)));
    await expect(tooLong).rejects.toThrow(InvalidInputError);
    await expect(tooLong).rejects.toThrow(/at most 100 bytes/);
    await expect(client().createPolicy(body('정책 하나'))).rejects.toThrow(/only letters, digits/);
    expect(sim.server.requestCount).toBe(0);
  });
});

// Issue #37 item 15: the simulator's title rule is the documentation's, not the client's.
describe('the NCP simulator follows the title rule of providers.md §1.1 on its own', () => {
  it('creates and seeds Hangul titles up to 100 bytes', async () => {
    expect(await rawCreate('가'.repeat(33))).toMatchObject({ status: 200, body: { title: '가'.repeat(33) } });
    expect(sim.addPolicy({ title: HANGUL }).title).toBe(HANGUL);
    const seeded = await fetch(`${sim.url}/__sim/policies`, {
      method: 'POST',
      body: JSON.stringify({ title: '정책.v2' }),
    });
    expect(seeded.status).toBe(201);
  });

  it('refuses 102 bytes and characters outside letters, digits, ".", "-" and "_" with 400 code 100', async () => {
    for (const title of ['가'.repeat(34), 'a'.repeat(101), '정책 하나', 'a/b']) {
      const answer = await rawCreate(title);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { errorCode: '100' } });
    }
    expect(() => sim.addPolicy({ title: '가'.repeat(34) })).toThrow();
    expect(sim.policies.size).toBe(0);
  });
});

describe('a Hangul policy title in Slack', () => {
  const t = new TestBot();
  beforeAll(async () => {
    await t.start({ connections: () => [connection()] });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('opens with /migrate status <title>, pauses from the card, and deletes through the button', async () => {
    sim.addPolicy({ title: HANGUL, jobState: 'STARTED', progress: 0.2 });
    const card = await t.ask(`status ${HANGUL}`);
    expect(messageText(card)).toContain(HANGUL);
    const pause = buttons(card).find((b) => b.action_id === 'resource.pause');
    expect(pause).toBeDefined();
    const paused = messageText(await (await t.click(pause!.action_id, pause!.value)).answer());
    expect(paused).toContain('paused by <@U0ALICE01>');
    expect(sim.policy(HANGUL)?.jobState).toBe('PAUSED');

    const offer = await t.ask(`delete ncp-kr:${HANGUL}`);
    const del = buttons(offer).find((b) => b.action_id === 'resource.delete');
    expect(del).toBeDefined();
    const deleted = messageText(await (await t.click(del!.action_id, del!.value)).answer());
    expect(deleted).toContain('deleted by <@U0ALICE01>');
    expect(sim.policy(HANGUL)).toBeUndefined();
  });

  it('finds a title shorter than a prefix may be when it is the whole title', async () => {
    sim.addPolicy({ title: SHORT_HANGUL, jobState: 'PAUSED' });
    expect(messageText(await t.ask(`status ${SHORT_HANGUL}`))).toContain(SHORT_HANGUL);
    expect(messageText(await t.ask('status 백'))).toContain('too short');
  });
});
