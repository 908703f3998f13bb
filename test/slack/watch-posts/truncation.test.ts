import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GiB, UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import { PoolRegistry } from '../../../src/providers/http/http-client.js';
import { UpCloudProvider } from '../../../src/providers/upcloud/index.js';
import { renderFailureListing } from '../../../src/slack/blocks/failure-listing.js';
import { code, escapeControl, escapeMrkdwn, truncate } from '../../../src/slack/blocks/mrkdwn.js';
import type { FailureItem } from '../../../src/watcher/outbox/notification.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/*
 * Issue #37 item 10: a cut made after escaping could end inside an entity (`&am…`), which Slack
 * shows as typed, or split a surrogate pair (half an emoji, or a replacement character). `truncate`
 * is the one place text is cut for Slack; whatever it is given, its output never ends inside either.
 */

/** An `&` that does not start one of the three entities Slack knows (the cut left part of one). */
const BROKEN_ENTITY = /&(?!amp;|lt;|gt;)/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text a provider could send: entity-making characters, formatting, emoji, Hangul, mentions. */
const providerText = fc
  .array(
    fc.constantFrom(
      '&',
      '<',
      '>',
      'a',
      ' ',
      '*',
      '_',
      '`',
      '😀',
      '👍🏽',
      '한',
      'é',
      '\n',
      '&amp;',
      '<@U0ALICE01>',
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(''));

function checkCut(input: string, max: number): void {
  const out = truncate(input, max);
  expect(out.length).toBeLessThanOrEqual(max);
  if (input.length <= max) {
    expect(out).toBe(input);
    return;
  }
  expect(out.endsWith('…')).toBe(true);
  const kept = out.slice(0, -1);
  expect(input.startsWith(kept)).toBe(true);
  expect(LONE_SURROGATE.test(out)).toBe(false);
  // Every entity the input had is whole in the output, or not there at all.
  if (!BROKEN_ENTITY.test(input)) expect(BROKEN_ENTITY.test(kept)).toBe(false);
}

describe('truncate never ends inside an entity nor splits a surrogate pair', () => {
  it('holds for escaped provider text at every length (property)', () => {
    fc.assert(
      fc.property(
        providerText,
        fc.constantFrom(escapeMrkdwn, escapeControl, code),
        fc.integer({ min: 1, max: 200 }),
        (raw, escapeFor, max) => checkCut(escapeFor(raw), max),
      ),
      { numRuns: 2_000 },
    );
  });

  it('holds for raw text with emoji at every length (property)', () => {
    fc.assert(
      fc.property(providerText, fc.integer({ min: 1, max: 120 }), (raw, max) => checkCut(raw, max)),
      { numRuns: 2_000 },
    );
  });

  it('cuts before the entity it would have split, and before the emoji it would have halved', () => {
    expect(truncate('ab&amp;cd', 5)).toBe('ab…');
    expect(truncate('ab&amp;cd', 8)).toBe('ab&amp;…');
    expect(truncate('a😀b', 3)).toBe('a…');
    expect(truncate('a😀b', 4)).toBe('a😀b');
  });
});

describe('a failure listing of provider messages full of "&" (cut after escaping)', () => {
  const SERVICE = '0ab2f83f-03f3-4c48-9a38-0a3e89c6d024';
  const TOKEN = 'ucat_truncation_test_token_000000000001';
  const upcloud = new UpCloudSimulator({ serviceIds: [SERVICE], tokens: [TOKEN] });
  const pools = new PoolRegistry();
  beforeAll(async () => {
    await upcloud.start();
  });
  afterAll(async () => {
    await upcloud.stop();
    await pools.close();
  });

  it('keeps every entity whole in each of 40 items, whatever the offset of the cut', async () => {
    const provider = new UpCloudProvider(
      {
        name: 'uc',
        provider: 'upcloud',
        endpoint: upcloud.url,
        serviceId: SERVICE,
        auth: { type: 'bearer', token: TOKEN },
        storage: {},
      },
      { pools, logger: captureLogger().logger },
    );
    const items: FailureItem[] = [];
    for (let i = 0; i < 40; i++) {
      // Each item's cut falls at another offset inside the escaped "&amp;&amp;…".
      const job = upcloud.addJob({
        name: `amp-${i}`,
        status: 'failed',
        totalBytes: GiB,
        failMessage: `${'x'.repeat(i % 5)}${'&'.repeat(300)}`,
      });
      const resource = await provider.get('job', job.uuid);
      items.push({ ...resource, message: resource.lastError?.message });
    }
    const { blocks } = renderFailureListing({ kind: 'failures', items });
    const texts = blocks.map((b) => (b as { text: { text: string } }).text.text);
    expect(texts.join('\n')).toContain('&amp;');
    for (const text of texts) expect(BROKEN_ENTITY.test(text)).toBe(false);
  });
});
