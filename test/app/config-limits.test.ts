import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config.js';

// Issue 36, item 4: the caps per workspace are settings like the others, validated at start-up.
const valid = { SLACK_SIGNING_SECRET: 'shhh', SLACK_BOT_TOKEN: 'xoxb-1-2-3' };

describe('the caps per workspace', () => {
  it('default to 5,000 watches, 50 subscriptions and 20 channels per connection', () => {
    expect(createConfig(valid).limits).toEqual({
      watches: 5_000,
      subscriptions: 50,
      channelsPerConnection: 20,
    });
  });

  it('are read from MAX_WATCHES_PER_WORKSPACE, MAX_SUBSCRIPTIONS_PER_WORKSPACE, MAX_CHANNELS_PER_CONNECTION', () => {
    const config = createConfig({
      ...valid,
      MAX_WATCHES_PER_WORKSPACE: '200',
      MAX_SUBSCRIPTIONS_PER_WORKSPACE: '10',
      MAX_CHANNELS_PER_CONNECTION: '',
    });
    expect(config.limits).toEqual({ watches: 200, subscriptions: 10, channelsPerConnection: 20 });
  });

  it('refuse what is not a whole number from 1 up, each with its fix, in one message', () => {
    const refused = () =>
      createConfig({
        ...valid,
        MAX_WATCHES_PER_WORKSPACE: 'lots',
        MAX_SUBSCRIPTIONS_PER_WORKSPACE: '0',
        MAX_CHANNELS_PER_CONNECTION: '2.5',
      });
    expect(refused).toThrow(/MAX_WATCHES_PER_WORKSPACE must be a number of watches/);
    expect(refused).toThrow(/MAX_SUBSCRIPTIONS_PER_WORKSPACE must be at least 1/);
    expect(refused).toThrow(/MAX_CHANNELS_PER_CONNECTION must be a whole number of channels/);
    expect(refused).toThrow(/3 settings to fix/);
  });
});
