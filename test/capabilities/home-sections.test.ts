import { describe, expect, it } from 'vitest';
import type { Capability } from '../../src/contract/capability.js';
import { ENGLISH } from '../../src/i18n/translator.js';
import { startedForReading } from '../harness/started-capabilities.js';

/**
 * The Home tab's sections after its rows are the capabilities' (the time windows', a plan's
 * waves), parted by a divider as the tab parts its own: the windows' section moved out of the
 * core's Home and must sit where it did, a divider between it and the plans.
 */
const sectionOf = (name: string, homeFirst = false): Capability => ({
  name,
  start: () => ({
    posts: {
      ...(homeFirst ? { homeFirst } : {}),
      home: async () => ({ name }),
      render: (view) => ({
        text: name,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: (view as { name: string }).name } }],
      }),
    },
  }),
});

describe('the capabilities’ Home sections', () => {
  it('are parted by a divider after the rows, none before the first nor among those on top', async () => {
    const caps = startedForReading([
      sectionOf('first', true),
      sectionOf('top', true),
      sectionOf('windows'),
      sectionOf('plans'),
    ]);
    const { first, after } = await caps.homeBlocks({ teamId: 'T1', userId: 'U1' }, ENGLISH, 0);
    const kinds = (blocks: unknown[]) =>
      blocks.map((b) => (b as { type: string; text?: { text: string } }).text?.text ?? 'divider');
    expect(kinds(first)).toEqual(['first', 'top']);
    expect(kinds(after)).toEqual(['windows', 'divider', 'plans']);
  });
});
