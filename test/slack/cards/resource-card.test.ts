import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import type { MigrationResource } from '../../../src/domain/migration-resource.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import { renderResourceCard } from '../../../src/slack/blocks/resource-card.js';
import { HW_AK, HW_SK, messageText, omsConnection, PROJECT_ID, TestBot } from '../../harness/test-bot.js';

function resource(overrides: Partial<MigrationResource> = {}): MigrationResource {
  return {
    provider: 'huawei-oms',
    connection: 'hw-prod',
    kind: 'task',
    id: '191297407830872',
    name: 'photos-aws-to-obs',
    state: 'running',
    rawStatus: '2',
    progress: 0.37,
    speed: 12.5 * 1024 ** 2,
    etaSeconds: 2693,
    bytes: { done: 304 * 1024 ** 3, total: 820 * 1024 ** 3 },
    objects: { done: 1000, total: 3000 },
    source: { cloud: 'AWS', region: 'us-east-1', bucket: 'acme-photos' },
    destination: { cloud: 'HuaweiCloud', region: 'cn-north-4', bucket: 'photos-obs' },
    ...overrides,
  };
}

/** When these cards are drawn, on the bot's clock. */
const NOW = Date.now();
const textOf = (blocks: ReturnType<typeof renderResourceCard>) => JSON.stringify(blocks);
const firstLine = (blocks: ReturnType<typeof renderResourceCard>) =>
  (blocks.find((b) => b.type === 'section') as { text: { text: string } }).text.text;

// Issue #13, "Cards that fit a phone".
describe('the resource card', () => {
  it('starts with one compact line: state · percent · speed · ETA as a clock time in the reader’s zone', () => {
    const line = firstLine(renderResourceCard(resource(), ['pause'], { now: NOW }));
    expect(line).toMatch(
      /^\*:arrows_counterclockwise: Migrating\* · [▰▱]{8} \*37%\* · 12\.5 MiB\/s · ETA <!date\^\d+\^\{time\}\|[^>]+>, about 45 min$/,
    );
    expect(line).not.toMatch(/\d+ min \d+ s/);
  });

  it('leaves out what is not known instead of printing dashes, and never a speed for a paused task', () => {
    const blocks = renderResourceCard(
      resource({
        state: 'paused',
        rawStatus: '3',
        speed: 5,
        etaSeconds: 99,
        objects: {},
        bytes: { done: 10 },
      }),
      ['resume'],
      { now: NOW },
    );
    expect(firstLine(blocks)).toBe('*:double_vertical_bar: Paused* · ▰▰▱▱▱▱▱▱ *37%*');
    const text = textOf(blocks);
    expect(text).not.toContain('—');
    expect(text).not.toContain('*Objects*');
    expect(text).toContain('*Data*\\n10 B');
  });

  it('shows no raw provider status for a mapped state, and the raw value for an unmapped one', () => {
    expect(
      textOf(renderResourceCard(resource({ rawStatus: '4', state: 'failed' }), [], { now: NOW })),
    ).not.toMatch(/status 4/);
    expect(
      textOf(renderResourceCard(resource({ rawStatus: '42', state: 'unknown' }), [], { now: NOW })),
    ).toContain('Unknown (42)');
  });

  it('says how fresh the figures are, and warns when they are old', () => {
    const fresh = textOf(renderResourceCard(resource(), [], { now: NOW }));
    expect(fresh).toMatch(/checked <!date\^\d+\^\{ago\}\|/);
    expect(fresh).not.toContain('out of date');
    const checkedAt = new Date(NOW - 11 * 60_000);
    const old = textOf(renderResourceCard(resource(), [], { checkedAt, now: NOW }));
    expect(old).toContain('These figures may be out of date: press Refresh.');
    // Old as of the bot's clock, not the system's: the same figures drawn 2 minutes after they were read.
    const drawnSoon = textOf(
      renderResourceCard(resource(), [], { checkedAt, now: checkedAt.getTime() + 120_000 }),
    );
    expect(drawnSoon).not.toContain('out of date');
  });

  it('reads "checked" and the ETA’s clock time from the bot’s clock, not the system’s', () => {
    const then = Date.parse('2031-01-02T03:04:05Z');
    const text = textOf(renderResourceCard(resource(), [], { now: then }));
    expect(text).toContain(`checked <!date^${then / 1000}^{ago}|`);
    // The ETA (about 45 min) as a clock time counted from the card's now.
    const eta = Number(/ETA <!date\^(\d+)\^\{time\}/.exec(text)?.[1]) - then / 1000;
    expect(eta).toBeGreaterThan(40 * 60);
    expect(eta).toBeLessThan(50 * 60);
  });

  it('explains the last error as everywhere else, and lets its class choose the main button', () => {
    const partial = renderResourceCard(
      resource({
        state: 'failed',
        rawStatus: '4',
        lastError: { code: 'TRF.0004', message: 'Some objects failed.' },
      }),
      ['resume', 'retry', 'delete'],
      { now: NOW },
    );
    const buttons = (
      partial.find((b) => b.type === 'actions') as { elements: { text: { text: string }; style?: string }[] }
    ).elements;
    expect(buttons[0]).toMatchObject({ text: { text: 'Retry failed objects' }, style: 'primary' });
    expect(buttons.filter((b) => b.style === 'primary')).toHaveLength(1);
    const text = textOf(partial);
    expect(text.match(/TRF\.0004/g)).toHaveLength(1);
    expect(text).toContain('Fix');

    // A permissions failure: retrying cannot help, so nothing is offered as the main button.
    const denied = renderResourceCard(
      resource({ state: 'failed', rawStatus: '4', lastError: { code: 'TRF.0051' } }),
      ['resume', 'retry', 'delete'],
      { now: NOW },
    );
    const deniedButtons = (denied.find((b) => b.type === 'actions') as { elements: { style?: string }[] })
      .elements;
    expect(deniedButtons.some((b) => b.style === 'primary')).toBe(false);
  });

  it('rounds estimates the way people say them', () => {
    expect(ENGLISH.about(2693)).toBe('about 45 min');
    expect(ENGLISH.about(600)).toBe('about 10 min');
    expect(ENGLISH.about(5400)).toBe('about 1½ h');
    expect(ENGLISH.about(30 * 3600)).toBe('about 30 h');
    expect(ENGLISH.about(5 * 86400)).toBe('about 5 days');
    expect(ENGLISH.about(30)).toBe('under 2 min');
  });
});

describe('/migrate status, answered through a signed request', () => {
  const oms = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } });
  const t = new TestBot();
  beforeAll(async () => {
    await oms.start();
    await t.start({ connections: () => [omsConnection('hw-x', oms.url)] });
  });
  afterAll(async () => {
    await t.stop();
    await oms.stop();
  });

  it('offers in a private reply only the buttons the asker may press; a shared card keeps them all', async () => {
    const task = oms.addTask({ id: '208800000000002', name: 'buttons-by-role', status: 2 });
    const ids = (message: Record<string, unknown>) =>
      JSON.stringify(message.blocks).match(/"action_id":"resource\.[a-z]+"/g) ?? [];
    const viewer = await t.ask(`status ${task.id}`, { userId: 'U0VIEW003' });
    expect(ids(viewer)).toEqual(['"action_id":"resource.refresh"']);
    const admin = await t.ask(`status ${task.id}`);
    expect(ids(admin)).toEqual(
      expect.arrayContaining(['"action_id":"resource.pause"', '"action_id":"resource.watch"']),
    );
    const shared = await t.ask(`status ${task.id} share`, { userId: 'U0VIEW003' });
    expect(ids(shared)).toContain('"action_id":"resource.pause"');
  });

  it('shows the compact first line and Slack-formatted times', async () => {
    const task = oms.addTask({ id: '208800000000001', name: 'compact-card', status: 2 });
    const card = messageText(await t.ask(`status ${task.id}`));
    expect(card).toContain('Migrating');
    expect(card).toMatch(/<!date\^\d+\^\{ago\}\|/);
    expect(card).not.toMatch(/status 2\b/);
  });
});
