import { describe, expect, it } from 'vitest';
import { blockLimitProblems } from '../../../dev/fake-slack/block-limits.js';
import { pendingApprovalBlocks } from '../../../src/capabilities/approvals/blocks/approval-home.js';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { renderAppHome } from '../../../src/slack/blocks/app-home.js';
import { brokenFixParts } from '../../../src/watcher/outbox/broken-channel.js';
import { LONG, resource } from './fixtures.js';

// The Home tab with every section full, in every language within Slack's limits.
describe.each(LOCALES)('the Home tab in %s keeps within Slack limits', (locale) => {
  const tr = translatorFor(locale);

  it('the Home tab: full sections, broken watches, approvals, unreadable connections', () => {
    const rows = Array.from({ length: 20 }, (_, i) => resource(i % 2 ? 'running' : 'failed', { id: `${i}` }));
    const blocks = renderAppHome(
      {
        role: 'approver',
        connections: [{ name: 'hw-prod', provider: 'huawei-oms', host: 'oms.example.com', problem: LONG }],
        running: rows.filter((r) => r.state === 'running'),
        failed: rows.filter((r) => r.state === 'failed'),
        paused: [resource('paused')],
        first: pendingApprovalBlocks(
          [false, true].map((mine, i) => ({
            mine,
            record: {
              id: `abcdef012${i}`,
              team: 'T1',
              requester: 'U0ASKER1',
              channel: 'C0ASK',
              connection: 'ncp-kr',
              provider: 'ncp',
              kind: 'policy' as const,
              request: {
                title: LONG,
                sourceCspType: 'AWS',
                sourceRegion: 'r',
                sourceBucket: 'b',
                targetBucket: 't',
              },
              status: 'pending' as const,
              createdAt: '2025-03-01T00:00:00.000Z',
              expiresAt: '2025-03-02T00:00:00.000Z',
              message: {
                channel: 'C0APPROVE',
                ts: '1.2',
                permalink: 'https://fake.slack.local/archives/C0APPROVE/p12',
              },
            },
          })),
          tr,
        ),
        unreadable: ['hw-x'],
        brokenWatches: [
          {
            name: LONG,
            ref: 'hw-prod:1',
            channelId: 'C0OPS',
            broken: { reason: 'channel_not_found', since: Date.UTC(2026, 0, 1), episode: 1 },
            fix: brokenFixParts(
              { watch: { channelId: 'C0OPS', connection: 'hw-prod', id: LONG } },
              'channel_not_found',
            ),
          },
        ],
      },
      tr,
    );
    expect(blockLimitProblems(blocks, 'home')).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('hw-prod:191297407830872'.slice(0, 8));
    if (locale !== 'en') expect(text).not.toContain('Waiting for your approval');
    // A broken watch's cause and fix too (they were English on every Home tab).
    if (locale !== 'en') expect(text).not.toMatch(/invite me with|the channel is gone/);
  });
});
