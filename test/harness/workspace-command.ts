import type { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { FORM, postSigned } from './slack-requests.js';
import { SIGNING_SECRET, type TestBot } from './test-bot.js';

export interface WorkspaceCommand {
  text: string;
  teamId: string;
  /** Where the answer goes: fake Slack's response URL of this id. */
  responseId: string;
  /** The org of an org-wide install the workspace belongs to. */
  org?: string;
  /** Slack's trigger id (`1337.<responseId>` unless given). */
  triggerId?: string;
}

/**
 * `/migrate <text>` typed by U0ALICE01 in workspace `teamId`, sent signed to `bot` as Slack sends
 * it (only the fields Slack always sends), its answer to `fakeSlack`'s response URL: for bots
 * installed over OAuth, where which workspace asks is the point. The HTTP answer.
 */
export function workspaceCommand(bot: TestBot, fakeSlack: FakeSlack, c: WorkspaceCommand) {
  const body = new URLSearchParams({
    command: '/migrate',
    text: c.text,
    team_id: c.teamId,
    ...(c.org ? { enterprise_id: c.org, is_enterprise_install: 'true' } : {}),
    user_id: 'U0ALICE01',
    channel_id: 'C0FAKE001',
    api_app_id: 'A0MIGRATE',
    trigger_id: c.triggerId ?? `1337.${c.responseId}`,
    response_url: fakeSlack.responseUrl(c.responseId),
  }).toString();
  return postSigned(bot.eventsUrl, SIGNING_SECRET, body, FORM);
}
