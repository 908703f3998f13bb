import type { KnownBlock } from '@slack/types';
import { truncate } from './mrkdwn.js';

export interface HelpLine {
  usage: string;
  summary: string;
}

export function renderHelp(lines: readonly HelpLine[], connectionNames: readonly string[]): KnownBlock[] {
  // One section per command keeps every text far below the 3,000-character limit as commands grow.
  const commands: KnownBlock[] = lines.map((l) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(`\`${l.usage}\`\n${l.summary}`, 3000) },
  }));
  return [
    { type: 'header', text: { type: 'plain_text', text: 'migrate-bot: run and watch bucket migrations' } },
    ...commands,
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Add `share` to `status`, `list` or `explain` to post the answer to the channel.',
        },
      ],
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text:
            connectionNames.length > 0
              ? `Connections in this workspace: ${connectionNames.map((n) => `\`${n}\``).join(', ')}. States: waiting, running, paused, failed, succeeded, all.`
              : 'No connections are configured for this workspace yet: see the README to add one.',
        },
      ],
    },
  ];
}
