import { describe, expect, it } from 'vitest';
import { omsAndUpCloudBot } from '../../harness/bots/upcloud-bot.js';
import { messageText } from '../../harness/test-bot.js';

/**
 * Issue 39 item 6, words: a state is named as "its state is succeeded", never "<name> is
 * succeeded", through signed requests and the fake Slack. `/migrate delete` on an UpCloud job that
 * completed (nothing can be done to it) answered "logs-done is succeeded and cannot be deleted now."
 */
const TOKEN = 'ucat_upcloud-sim-token-0000000000000001';
const SERVICE = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f';
const { t, upcloud } = omsAndUpCloudBot({ service: SERVICE, token: TOKEN });

describe('states in words', () => {
  it('a job that cannot be deleted in its state says "its state is …"', async () => {
    const job = upcloud.addJob({ name: 'logs-done', status: 'completed' });
    const text = messageText(await t.ask(`delete up-fi:${job.uuid}`));
    expect(text).toContain('logs-done cannot be deleted now: its state is succeeded.');
    expect(text).not.toMatch(/is succeeded and/);
    const running = t.oms.addTask({ name: 'busy-one', status: 2 });
    expect(messageText(await t.ask(`delete ${running.id}`))).toContain(
      'busy-one cannot be deleted now: its state is running. Pause it first.',
    );
  });
});
