import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import type { PreflightRecord } from '../../../src/capabilities/preflight-record.js';
import { postedApproval } from '../../harness/approval-requests.js';
import type { Interactions } from '../../harness/interactions.js';
import { PROJECT_ID, type TestBot } from '../../harness/test-bot.js';

const TIB = 2 ** 40;

/**
 * The connections file the guardrails tests keep: their OMS connections (secrets named by
 * `<env>_HW_AK`/`_SK`) and their `policies:` section.
 */
export function writeGuardedFile(
  file: string,
  w: { env: string; team: string; names: readonly string[]; omsUrl: string; policies: string },
): void {
  const connections = w.names
    .map(
      (name) => `  - name: ${name}
    team: ${w.team}
    provider: huawei-oms
    endpoint: ${w.omsUrl}
    projectId: ${PROJECT_ID}
    auth: { type: aksk, accessKeyEnv: ${w.env}_HW_AK, secretKeyEnv: ${w.env}_HW_SK }
    storage: { source: src, destination: dst }`,
    )
    .join('\n');
  const storage = `storageCredentials:
  src: { accessKeyEnv: ${w.env}_HW_AK, secretKeyEnv: ${w.env}_HW_SK }
  dst: { accessKeyEnv: ${w.env}_HW_AK, secretKeyEnv: ${w.env}_HW_SK }`;
  writeFileSync(file, `${storage}\nconnections:\n${connections}\n${w.policies}`);
}

export interface GuardedRequests {
  team: string;
  channel: string;
  requester: string;
  /** Starts every op id and response id of the file, so two files never share one. */
  tag: string;
  /** The requests' descriptions: `<name> <n>`. */
  name: string;
  /** The source the requests copy, and how many objects their pre-flight counted. */
  source: { bucket: string; prefix: string; objects: number };
  a: TestBot;
  ixA: Interactions;
  ixB: Interactions;
}

/**
 * Requests made on replica A through the approvals service (what the create form calls), the
 * request message they post, and its buttons pressed on either replica (signed).
 */
export function guardedRequests(w: GuardedRequests) {
  let made = 0;
  function request(
    connection: string,
    options: {
      region?: string;
      tib?: number;
      startAt?: string;
      /** Objects the listing found without a size: the bytes are a lower bound. */
      unsized?: number;
      /** What the pre-flight counted running on the connection. */
      running?: NonNullable<PreflightRecord['running']>;
      /** The request's description, instead of `<name> <n>`. */
      description?: string;
    } = {},
  ) {
    made++;
    const preflight: PreflightRecord = {
      size: {
        basis: 'listed',
        objects: w.source.objects,
        bytes: (options.tib ?? 1) * TIB,
        prefixes: 1,
        ...(options.unsized ? { unsized: options.unsized } : {}),
      },
      ...(options.running ? { running: options.running } : {}),
      warnings: [],
      deadlineMs: 5000,
    };
    return approvalsOf(w.a.bot.deps).request({
      team: w.team,
      requester: w.requester,
      channel: w.channel,
      connection,
      kind: 'task',
      request: {
        task_type: 'prefix',
        description: options.description ?? `${w.name} ${made}`,
        src_node: {
          cloud_type: 'AWS',
          region: 'us-east-1',
          bucket: w.source.bucket,
          object_key: [w.source.prefix],
        },
        dst_node: { region: options.region ?? 'cn-north-4', bucket: 'photos-obs' },
      },
      op: `${w.tag}${made}`,
      preflight,
      ...(options.startAt ? { startAt: options.startAt } : {}),
    });
  }
  async function posted(connection: string, options: Parameters<typeof request>[1] = {}) {
    const since = w.a.fakeSlack.calls.length;
    const record = await request(connection, options);
    return { record, posted: await postedApproval(w.a, { team: w.team, channel: w.channel }, since) };
  }
  /** A button on the request message pressed on replica `bot` as `userId`; what they were told. */
  async function press(
    bot: TestBot,
    p: { id: string; ts: string },
    userId: string,
    action = 'approval.approve',
  ) {
    const responseId = `${w.tag}-${action}-${++made}`;
    const res = await (bot === w.a ? w.ixA : w.ixB).clickMessage(
      {
        actionId: action,
        value: p.id,
        channelId: w.channel,
        messageTs: p.ts,
        responseUrl: bot.fakeSlack.responseUrl(responseId),
      },
      { userId, teamId: w.team },
    );
    expect(res.status).toBe(200);
    return String((await bot.answer(responseId)).text ?? '');
  }
  return { request, posted, press };
}
