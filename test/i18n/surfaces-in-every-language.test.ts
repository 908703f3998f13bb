import { describe, expect, it } from 'vitest';
import { blockLimitProblems } from '../../dev/fake-slack/block-limits.js';
import type { ApprovalRecord } from '../../src/capabilities/approvals/approval-record.js';
import { pendingApprovalBlocks } from '../../src/capabilities/approvals/blocks/approval-home.js';
import {
  renderRequesterNotice,
  withApproversPing,
} from '../../src/capabilities/approvals/blocks/approval-notices.js';
import { renderApprovalRequest } from '../../src/capabilities/approvals/blocks/approval-request.js';
import { APPROVAL_WORDS } from '../../src/capabilities/approvals/words.js';
import { checkErrors } from '../../src/capabilities/connections/connection-check-errors.js';
import {
  messageModal as connectMessageModal,
  connectModal,
} from '../../src/capabilities/connections/connection-form.js';
import { parseConnectForm } from '../../src/capabilities/connections/connection-form-parse.js';
import {
  renderConnectionList,
  renderDisconnectPrompt,
} from '../../src/capabilities/connections/connection-list.js';
import { CONNECTION_WORDS, own } from '../../src/capabilities/connections/words.js';
import { EXPLAIN_WORDS } from '../../src/capabilities/explain/words.js';
import {
  renderSubscribed,
  renderSubscriptionList,
  renderUnsubscribed,
} from '../../src/capabilities/subscriptions/subscription-blocks.js';
import { SUBSCRIPTIONS_WORDS } from '../../src/capabilities/subscriptions/words.js';
import { windows } from '../../src/capabilities/windows/windows.js';
import type { MigrationResource, NormalizedState } from '../../src/domain/migration-resource.js';
import {
  asAppError,
  ErrorCode,
  ForbiddenError,
  InvalidInputError,
  KindNotOfferedError,
  NotFoundError,
  ProviderError,
} from '../../src/errors.js';
import { LOCALES } from '../../src/i18n/locale.js';
import { translatorFor } from '../../src/i18n/translator.js';
import { createTargets, providerDefinitions } from '../../src/providers/registry.js';
import { AmbiguousRefError } from '../../src/resources/resolve-resource.js';
import { renderAppHome } from '../../src/slack/blocks/app-home.js';
import { auditLine } from '../../src/slack/blocks/audit-line.js';
import { renderCompletionReport } from '../../src/slack/blocks/completion-report.js';
import {
  loadFailedModal,
  loadingModal,
  messageModal,
  pickerModal,
} from '../../src/slack/blocks/create/flow-modals.js';
import { renderCreateForm } from '../../src/slack/blocks/create/render-form.js';
import { describeUnreadable, renderAmbiguous, renderError } from '../../src/slack/blocks/error-message.js';
import { renderFailureExplanation } from '../../src/slack/blocks/failure-explanation.js';
import { renderHelp } from '../../src/slack/blocks/help.js';
import { renderHelpTopic } from '../../src/slack/blocks/help-topic.js';
import { renderResourceCard, whoActed } from '../../src/slack/blocks/resource-card.js';
import { renderResourceList } from '../../src/slack/blocks/resource-list.js';
import { renderActed, renderDeletePlan, renderWatched } from '../../src/slack/blocks/use-case-replies.js';
import { renderParentCard, renderWatchNotification } from '../../src/slack/blocks/watch-notifications.js';
import { requestFromForm } from '../../src/slack/create-forms/index.js';
import { allSubcommands } from '../../src/slack/listeners/commands/subcommands/index.js';
import { brokenFixParts } from '../../src/watcher/outbox/broken-channel.js';
import type { WatchEvent } from '../../src/watcher/records/watch-store.js';
import { viewLimitProblems } from '../harness/interactions.js';
import { startedForReading } from '../harness/started-capabilities.js';

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
const READING = startedForReading();
/** Every subcommand a bot answers but help: the core's, then its capabilities'. */
const SUBCOMMANDS = allSubcommands(READING).slice(1);

/**
 * Every translated surface, in every language, with the longest inputs it takes (a 250-character
 * name, the longest catalogue texts, a long provider message): Slack's limits must still hold,
 * and the code, ids and bucket names stay as they are.
 */
const LONG = 'x'.repeat(250);
const STATES: NormalizedState[] = [
  'queued',
  'running',
  'paused',
  'failed',
  'succeeded',
  'unknown',
  'monitoring',
];
const EVENTS: WatchEvent[] = [
  'started',
  'paused',
  'resumed',
  'retrying',
  'failed',
  'succeeded',
  'cancelled',
  'deleted',
  'vanished',
  'stalled',
  'moving',
];
/** Catalogue codes with long texts in every language, and one with two statuses. */
const CODES = ['TRF.0015', 'OMS.0001', 'OMS.0095', 'APIGW.0301', 'S3M.0001', 'NOPE.42'];

function resource(state: NormalizedState, overrides: Partial<MigrationResource> = {}): MigrationResource {
  return {
    provider: 'huawei-oms',
    connection: 'hw-prod',
    kind: 'task',
    id: '191297407830872',
    name: `photos-${LONG}`,
    state,
    rawStatus: state === 'unknown' ? '42' : '2',
    progress: 0.37,
    speed: 12.5 * 1024 ** 2,
    etaSeconds: 2693,
    startedAt: new Date('2024-05-01T00:00:00Z'),
    bytes: { done: 304 * 1024 ** 3, total: 820 * 1024 ** 3 },
    objects: { done: 1000, total: 3000, failed: 12, skipped: 3 },
    source: { cloud: 'AWS', region: 'us-east-1', bucket: 'acme-photos', prefix: LONG },
    destination: { cloud: 'HuaweiCloud', region: 'cn-north-4', bucket: 'photos-obs' },
    failedObjectList: `failed/${LONG}.txt`,
    lastError: { code: 'TRF.0015', message: `The source AK is wrong ${'y'.repeat(900)}` },
    ...overrides,
  };
}

function problems(blocks: unknown): string[] {
  return blockLimitProblems(blocks, 'message');
}

describe.each(LOCALES)('every translated surface in %s keeps within Slack limits', (locale) => {
  const tr = translatorFor(locale);

  it('resource cards in every state, with every button', () => {
    for (const state of STATES) {
      const blocks = renderResourceCard(resource(state), ['pause', 'resume', 'retry', 'delete', 'cancel'], {
        tr,
        notice: LONG,
        acted: whoActed(resource(state), { action: 'pause', by: 'U0BOB0001', at: Date.now() - 60_000 }, tr),
        checkedAt: new Date(Date.now() - 3_600_000),
        now: Date.now(),
      });
      expect(problems(blocks), `${locale} ${state}`).toEqual([]);
      const text = JSON.stringify(blocks);
      expect(text).toContain('hw-prod:191297407830872');
      expect(text).toContain('`TRF.0015`');
      expect(text).toContain('acme-photos');
    }
  });

  it('failure explanations for long catalogue entries, unknown codes and long provider messages', () => {
    for (const code of CODES) {
      for (const canFixConnection of [false, true]) {
        const { blocks } = renderFailureExplanation(
          {
            code,
            httpStatus: 403,
            providerMessage: 'z'.repeat(2000),
            canFixConnection,
            failedObjectList: { path: LONG, bucket: LONG },
            tr,
          },
          `:x: *${LONG}* failed`,
        );
        expect(problems(blocks), `${locale} ${code}`).toEqual([]);
        expect(JSON.stringify(blocks)).toContain(code === 'NOPE.42' ? 'NOPE.42' : `\`${code}\``);
        // The next step is never cut off by a long translation.
        expect(JSON.stringify(blocks)).toContain(tr.t('failure.nextStep', { advice: '' }).trim());
      }
    }
  });

  it('help, short and complete, with and without connections', () => {
    const entries = [
      'list',
      'status',
      'explain',
      'watch',
      'pause',
      'resume',
      'create',
      'connect',
      'access',
      'settings',
      'help',
    ].flatMap((name) =>
      Array.from({ length: 2 }, () => ({
        name,
        usage: `/migrate ${name} <id>`,
        summary: LONG,
        example: `/migrate ${name} ${LONG}`,
      })),
    );
    for (const connections of [[], ['hw-prod', 'ncp-kr', LONG]]) {
      for (const everything of [false, true]) {
        const blocks = renderHelp({ entries, role: 'viewer', connections, everything, tr });
        expect(problems(blocks), locale).toEqual([]);
      }
    }
  });

  it('help for every subcommand, for every role, with the longest example and connection', () => {
    for (const s of SUBCOMMANDS)
      for (const role of ['viewer', 'admin'] as const) {
        const blocks = renderHelpTopic({
          topic: {
            ...s,
            example: `/migrate ${s.name} ${LONG}`,
            related: SUBCOMMANDS.slice(0, 4).map((r) => r.name),
          },
          role,
          connection: LONG,
          tr,
        });
        expect(problems(blocks), `${locale} ${s.name}`).toEqual([]);
        const text = JSON.stringify(blocks);
        // The summary is the reader's: no subcommand falls back to its English.
        if (locale !== 'en') expect(text, `${locale} ${s.name}`).not.toContain(s.summary);
        expect(text).toContain(`/migrate ${s.name} ${LONG}`);
      }
  });

  it('the list: full pages, empty, unreadable rows and gaps', () => {
    const rows = STATES.flatMap((state) => Array.from({ length: 6 }, () => resource(state)));
    rows.push({ ...resource('unknown'), unreadable: { reason: LONG } });
    const base = {
      title: `${tr.t('list.title')} · ${LONG}`,
      summary: LONG,
      failures: [
        { connection: 'ncp-kr', reason: LONG },
        { connection: 'up-fi', kind: 'job' as const, reason: LONG },
      ],
      notOffered: [{ connection: 'hw-prod', kind: 'sync-task' as const }],
      answered: 1,
      tr,
    };
    const page = {
      query: { share: false } as never,
      page: 1,
      pageSize: 20,
      hasNext: true,
    };
    expect(problems(renderResourceList({ ...base, resources: rows, total: 500, paging: page }))).toEqual([]);
    expect(problems(renderResourceList({ ...base, resources: [], total: 0 }))).toEqual([]);
  });

  it('watch notifications: every event, the watched card, connection notices and the digest', () => {
    const facts = {
      ...resource('failed'),
      destinationBucket: 'photos-obs',
      elapsedSeconds: 5400,
    };
    for (const event of EVENTS) {
      const { blocks } = renderWatchNotification(
        {
          kind: 'event',
          event,
          resource: facts,
          actions: ['pause', 'resume', 'retry'],
          run: 3,
          at: Date.now(),
          stalledForMs: 45 * 60_000,
          lastSpeed: 1024 ** 2,
          by: 'U0BOB0001',
        },
        tr,
      );
      expect(problems(blocks), `${locale} ${event}`).toEqual([]);
    }
    for (const ended of [false, true]) {
      const card = renderParentCard(
        { resource: resource('running'), actions: ['pause'], ended, by: 'U0BOB0001' },
        tr,
        Date.now(),
      );
      expect(problems(card.blocks)).toEqual([]);
    }
    for (const state of ['down', 'up'] as const) {
      const note = renderWatchNotification(
        {
          kind: 'connection',
          state,
          connection: 'hw-prod',
          since: Date.now() - 600_000,
          at: Date.now(),
          reason: LONG,
        },
        tr,
      );
      expect(problems(note.blocks)).toEqual([]);
    }
    const items = Array.from({ length: 120 }, (_, i) => ({
      name: `${LONG}-${i}`,
      connection: 'hw-prod',
      kind: 'task' as const,
      id: String(i),
      state: 'running' as const,
      watchState: i % 7 === 0 ? ('gone' as const) : ('running' as const),
      progress: 0.5,
      before: i % 2 ? { state: 'paused', progress: 0.2 } : undefined,
    }));
    const digest = renderWatchNotification({ kind: 'digest', day: '2024-05-01', items }, tr);
    expect(problems(digest.blocks)).toEqual([]);
    // The creator's DM when Slack refuses the channel: why and the fix, in their words.
    for (const reason of ['not_in_channel', 'is_archived', 'channel_not_found'] as const) {
      const dm = renderWatchNotification(
        {
          kind: 'broken',
          name: LONG,
          channelId: 'C0LOST001',
          connection: 'hw-prod',
          id: '191297407830872',
          broken: { reason, since: Date.now(), episode: 1 },
        },
        tr,
      );
      expect(problems(dm.blocks), `${locale} broken DM ${reason}`).toEqual([]);
      expect(dm.text).toContain('`/migrate watch hw-prod:191297407830872`');
      expect(dm.text).toContain(reason);
      if (locale !== 'en') expect(dm.text).not.toMatch(/can't post|To fix it|invite me/);
    }
    // A time window the policy refused to its setter: said in the thread, with the way out.
    for (const action of ['pause', 'cap', 'resume'] as const) {
      const refused = READING.render(
        'windows',
        { kind: 'window-refused', window: { id: 'w0a1b2c', name: LONG }, by: 'U0WINBOB1', action },
        tr,
        Date.now(),
      )!;
      expect(problems(refused.blocks), `${locale} window refused ${action}`).toEqual([]);
      expect(refused.text).toContain('`/migrate window remove w0a1b2c`');
      expect(refused.text).toContain('<@U0WINBOB1>');
    }
    // Failures at once in one channel: one listing post, every code, each with its Open button.
    const failures = Array.from({ length: 60 }, (_, i) => ({
      name: `${LONG}-${i}`,
      connection: 'hw-prod',
      kind: 'task' as const,
      id: String(191297407830000 + i),
      progress: 0.45,
      code: CODES[i % CODES.length],
      message: LONG,
    }));
    const listing = renderWatchNotification({ kind: 'failures', items: failures }, tr);
    expect(problems(listing.blocks), `${locale} failure listing`).toEqual([]);
    expect(JSON.stringify(listing.blocks)).toContain('TRF.0015');
    expect(JSON.stringify(listing.blocks)).toContain('hw-prod:191297407830000');
  });

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

  it('subscription replies: every mode, a mode change, unsubscribing, a long list', () => {
    const sub = (i: number, mode: 'failures' | 'endings' | 'all') => ({
      teamId: 'T1',
      channelId: `C0CHAN${String(i).padStart(4, '0')}`,
      connection: 'hw-prod',
      ...(i % 2 ? { groupId: `group-${i}` } : {}),
      mode,
      by: 'U0ALICE01',
      createdAt: Date.UTC(2026, 0, 1),
    });
    const texts: string[] = [];
    for (const mode of ['failures', 'endings', 'all'] as const) {
      texts.push(renderSubscribed({ subscription: sub(1, mode), created: true }, tr).text);
      texts.push(
        renderSubscribed({ subscription: sub(2, mode), created: false, before: 'failures' }, tr).text,
      );
    }
    texts.push(renderUnsubscribed({ subscription: sub(3, 'all'), watches: 12 }, tr).text);
    for (const text of texts) {
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text).toContain('hw-prod');
    }
    const list = renderSubscriptionList(
      Array.from({ length: 60 }, (_, i) => sub(i, 'endings')),
      undefined,
      tr,
    );
    expect(problems(list.blocks)).toEqual([]);
  });

  it('error replies: refusals, provider failures with catalogue codes, internal errors', () => {
    const errors = [
      ForbiddenError.of('error.forbidden', {
        needed: 'admin',
        what: LONG,
        role: 'viewer',
        where: 'channel',
        channel: '<#C0FAKE001>',
      }),
      new ProviderError(ErrorCode.ProviderRequest, {
        provider: 'huawei-oms',
        operation: 'StartTask',
        httpStatus: 403,
        errorCode: 'OMS.0095',
        errorMessage: 'w'.repeat(2000),
        requestId: LONG,
      }),
      new ProviderError(ErrorCode.ProviderUnavailable, {
        provider: 'ncp',
        operation: 'ListPolicies',
      }),
      new ProviderError(ErrorCode.ProviderAuth, {
        provider: 'upcloud',
        operation: 'ListJobs',
        httpStatus: 401,
      }),
      asAppError(new Error('boom')),
    ];
    for (const error of errors) {
      const { blocks } = renderError(error, 'op12345', tr);
      expect(problems(blocks), `${locale} ${String(error)}`).toEqual([]);
    }
  });
});

describe('the same surface differs by language and keeps what is not translated', () => {
  it('a card in Korean and in Chinese', () => {
    const ko = JSON.stringify(
      renderResourceCard(resource('paused'), ['resume'], { tr: translatorFor('ko'), now: Date.now() }),
    );
    const zh = JSON.stringify(
      renderResourceCard(resource('paused'), ['resume'], { tr: translatorFor('zh-CN'), now: Date.now() }),
    );
    const en = JSON.stringify(renderResourceCard(resource('paused'), ['resume'], { now: Date.now() }));
    expect(ko).toContain('일시 중지됨');
    expect(ko).toContain('*해결 방법:*');
    expect(zh).toContain('已暂停');
    expect(zh).toContain('*解决方法：*');
    expect(en).toContain('Paused');
    for (const text of [ko, zh, en]) {
      expect(text).toContain('`TRF.0015`');
      expect(text).toContain('The source AK is wrong');
      expect(text).toContain('photos-obs');
    }
  });
});

// ----- the create flow, approvals, reports, connections and audit lines (#16) -----------------------

const NAME40 = `hw-${'p'.repeat(37)}`;

function approvalRecord(
  status: ApprovalRecord['status'],
  overrides: Partial<ApprovalRecord> = {},
): ApprovalRecord {
  const form = requestFromForm('huawei-oms', 'task', {
    task_type: 'prefix',
    src_cloud: 'AWS',
    src_region: 'us-east-1',
    src_bucket: 'acme-photos',
    src_objects: Array.from({ length: 40 }, (_, i) => `${'o'.repeat(200)}/${i}/`).join('\n'),
    dst_region: 'cn-north-4',
    dst_bucket: 'photos-obs',
    dst_prefix: 'x'.repeat(1000),
    description: 'd'.repeat(255),
    bandwidth: '00:00-06:00=200MB/s\n22:00-23:00=50MB/s',
  });
  if (!form.ok) throw new Error(JSON.stringify(form.errors));
  return {
    id: 'a084149f0b',
    team: 'T0FAKE001',
    requester: 'U0KOREA04',
    channel: 'C0FAKE001',
    connection: NAME40,
    provider: 'huawei-oms',
    kind: 'task',
    request: form.request,
    status,
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
    ...(status === 'pending' ? {} : { decidedBy: 'U0ALICE01', decidedAt: '2026-01-01T01:00:00.000Z' }),
    resourceId: '191297407830872',
    impact: {
      objects: 123_456_789,
      bytes: 9 * 1024 ** 5,
      prefixes: 40,
      complete: false,
      bandwidth: 200 * 1024 ** 2,
    },
    ...(status === 'failed'
      ? { failure: { message: 'f'.repeat(1000), errorCode: 'OMS.0095', httpStatus: 400, requestId: LONG } }
      : {}),
    ...overrides,
  } as ApprovalRecord;
}

describe.each(LOCALES)(
  'the create flow, approvals, reports and connections in %s keep within Slack limits',
  (locale) => {
    const tr = translatorFor(locale);
    const other = locale !== 'en';

    it('every create form, the picker, loading and error modals: titles ≤ 24, labels, hints and options', () => {
      const targets = createTargets();
      const vendors = ['AWS', 'Aliyun', 'Tencent', 'Google', 'URLSource'];
      const regionList = Array.from({ length: 120 }, (_, i) => ({ value: `r-${i}`, description: LONG }));
      const data = {
        vendors,
        regions: [
          ...vendors.map((v) => ({ service_name: v, region_list: regionList })),
          { service_name: 'HuaweiCloud', region_list: regionList },
        ],
      };
      for (const target of targets) {
        for (const needsChannel of [false, true]) {
          const view = renderCreateForm(target, {
            connection: {
              name: NAME40,
              provider: target.provider,
              endpoint: 'https://oms.cn-north-4.myhuaweicloud.com',
              auth: { type: 'bearer', token: 'x' },
              storage: {},
            },
            data,
            values: {},
            needsChannel,
            privateMetadata: '{}',
            tr,
            // The capabilities' fields and buttons (a start time, a plan, Check against policy).
            extraInputs: READING.createFields(tr, {}, { zone: 'Asia/Seoul' }),
            extraActions: READING.createActions(tr),
          }) as unknown as Record<string, unknown>;
          expect(viewLimitProblems(view), `${locale} ${target.provider} ${target.kind}`).toEqual([]);
          const text = JSON.stringify(view);
          expect(text).toContain(NAME40);
          // Every label the provider declares is in the reader's language (no English left).
          if (other)
            for (const label of Object.values(target.labels)) expect(text).not.toContain(`"${label}"`);
        }
        expect(viewLimitProblems(loadingModal(target, tr) as never)).toEqual([]);
        expect(viewLimitProblems(loadFailedModal(target, NAME40, 'z'.repeat(3000), tr) as never)).toEqual([]);
      }
      const choices = Array.from({ length: 150 }, (_, i) => ({
        connection: `${NAME40.slice(0, 36)}${i}`,
        target: targets[i % targets.length]!,
      }));
      const picker = pickerModal(choices, '{}', tr) as unknown as Record<string, unknown>;
      expect(viewLimitProblems(picker)).toEqual([]);
      expect(viewLimitProblems(messageModal(tr.t('create.title'), 'z'.repeat(5000), tr) as never)).toEqual(
        [],
      );
      if (other) expect(JSON.stringify(picker)).not.toContain('Connection and kind');
    });

    it('approval requests in every state, with the approvers ping, and the requester’s notices', () => {
      for (const status of ['pending', 'approved', 'failed', 'rejected', 'expired'] as const) {
        for (const record of [
          approvalRecord(status),
          approvalRecord(status, { resourceId: undefined, impact: undefined }),
        ]) {
          const message = withApproversPing(renderApprovalRequest(record, tr), 'S0APPROVERS', tr);
          expect(problems(message.blocks), `${locale} ${status}`).toEqual([]);
          expect(message.text.length).toBeLessThanOrEqual(3000 + 200);
          const text = JSON.stringify(message);
          expect(text).toContain(`\`${NAME40}\``);
          expect(text).toContain('photos-obs');
          if (other) expect(text).not.toContain('asks to create');
          const notice = renderRequesterNotice(record, 'C0APPROVALS', tr);
          expect(problems(notice.blocks)).toEqual([]);
          // Named by its title (cut to fit), never by its hex id.
          expect(notice.text).toContain('“dddddddddd');
          expect(notice.text).not.toContain('a084149f0b');
          if (other) expect(notice.text).not.toMatch(/your request|Your request/);
        }
      }
    });

    it('the completion report, its chart labels, connection lists, the disconnect prompt and audit lines', () => {
      const report = renderCompletionReport(
        {
          kind: 'report',
          samples: [],
          report: {
            id: '191297407830872',
            name: `photos-${LONG}`,
            connection: NAME40,
            state: 'succeeded',
            durationSeconds: 200_000,
            averageBytesPerSecond: 12.5 * 1024 ** 2,
            peakBytesPerSecond: 99 * 1024 ** 2,
            bytesMoved: 9 * 1024 ** 4,
            bytesTotal: 10 * 1024 ** 4,
            objectsMoved: 123_456_789,
            objectsSkipped: 12,
            objectsFailed: 3,
            failedObjectList: `failed/${LONG}.txt`,
            chartable: true,
          },
        },
        tr,
      );
      expect(problems(report.blocks)).toEqual([]);
      expect(JSON.stringify(report.blocks)).toContain(`${NAME40}:191297407830872`);
      if (other) expect(JSON.stringify(report.blocks)).not.toContain('Duration');

      const connections = Array.from({ length: 60 }, (_, i) => ({
        name: `${NAME40.slice(0, 37)}${i}`,
        team: 'T1',
        provider: 'huawei-oms',
        endpoint: 'https://oms.cn-north-4.myhuaweicloud.com',
        auth: {
          type: 'token',
          user: 'u',
          password: 'p',
          domain: 'd',
          iamEndpoint: 'https://iam.myhuaweicloud.com',
        },
        storage: { source: { name: LONG }, destination: { name: LONG } },
      }));
      const broken = [
        {
          info: {
            name: 'hw-broken',
            provider: 'huawei-oms',
            endpoint: 'https://x.example',
            storageNames: { source: LONG },
            createdBy: 'U0ALICE01',
            createdAt: '2026-01-01T00:00:00Z',
          },
          error: LONG,
        },
      ];
      const registry = {
        forTeam: () => connections,
        brokenForTeam: () => broken,
        storedInfo: () => ({ createdBy: 'U0ALICE01', createdAt: '2026-01-01T00:00:00Z' }),
      } as never;
      const health = new Map(
        connections.map((c, i) => [
          c.name,
          i % 3 === 0
            ? { state: 'ok' as const, ms: 12 }
            : i % 3 === 1
              ? { state: 'timeout' as const, seconds: 5 }
              : { state: 'error' as const, summary: LONG, explanation: LONG },
        ]),
      );
      const absent = new Map(
        connections.map((c) => [c.name, [{ kind: 'sync-task' as const, checkedAt: Date.UTC(2026, 0, 1) }]]),
      );
      const list = renderConnectionList(registry, 'T1', health, absent, tr);
      expect(problems(list.blocks)).toEqual([]);
      if (other) expect(JSON.stringify(list)).not.toContain('Storage credentials');
      const empty = renderConnectionList(
        { forTeam: () => [], brokenForTeam: () => [] } as never,
        'T1',
        new Map(),
        new Map(),
        tr,
      );
      expect(problems(empty.blocks)).toEqual([]);
      for (const target of [connections[0]!, broken[0]!])
        expect(problems(renderDisconnectPrompt(registry, target as never, tr).blocks)).toEqual([]);

      for (const result of ['ok', 'refused', 'failed'] as const) {
        const line = auditLine(
          {
            at: '2026-01-01T00:00:00Z',
            team: 'T1',
            user: 'U0ALICE01',
            channel: 'C0OPS',
            action: 'connect',
            target: NAME40,
            result,
            detail: LONG,
            op: 'op12345',
          } as never,
          tr,
        );
        expect(line.length).toBeLessThan(3000);
        expect(line).toContain('`op12345`');
        expect(line).toContain('*connect*');
        if (other) expect(line).not.toContain(` · ${result}`);
      }
    });

    it('the connect modal for every provider and sign-in method, adding and fixing keys', () => {
      for (const d of providerDefinitions()) {
        for (const auth of d.connect.authChoices) {
          for (const replaces of [undefined, NAME40]) {
            const view = connectModal(
              { provider: d.id as never, auth: auth.type },
              { channel: 'C0FAKE001', ...(replaces ? { replaces } : {}) },
              { tr, notice: 'z'.repeat(5000), prefill: { name: NAME40 } },
            ) as unknown as Record<string, unknown>;
            expect(viewLimitProblems(view), `${locale} ${d.id} ${auth.type}`).toEqual([]);
            if (other) {
              const text = JSON.stringify(view);
              expect(text).not.toContain('Add a connection');
              expect(text).not.toContain('"Sign in with"');
              for (const f of [...d.connect.fields, ...auth.fields])
                expect(text).not.toContain(`"${f.label}"`);
            }
          }
        }
      }
    });
  },
);

// ----- the connect form, command errors, approvals that could not be posted, kind plurals (#16) -----

const CONNECT_META = { channel: 'C0FAKE001' };
const providerFailures = (): ProviderError[] => [
  new ProviderError(ErrorCode.ProviderAuth, {
    provider: 'huawei-oms',
    operation: 'ListTasks',
    httpStatus: 401,
    errorCode: 'APIGW.0301',
    errorMessage: `Incorrect IAM authentication information ${'y'.repeat(400)}`,
  }),
  new ProviderError(ErrorCode.ProviderUnavailable, { provider: 'ncp', operation: 'x', httpStatus: 503 }),
  new ProviderError(ErrorCode.ProviderUnavailable, { provider: 'ncp', operation: 'x', errorMessage: LONG }),
  new ProviderError(ErrorCode.ProviderRequest, { provider: 'upcloud', operation: 'x', httpStatus: 404 }),
  new ProviderError(ErrorCode.ProviderRequest, {
    provider: 'huawei-oms',
    operation: 'x',
    httpStatus: 400,
    errorCode: 'OMS.0001',
  }),
];

describe.each(LOCALES)('the connect form, command errors and kind plurals in %s', (locale) => {
  const tr = translatorFor(locale);
  const other = locale !== 'en';
  const ENGLISH_FORM =
    /Enter the|Use lowercase|letters and digits|at least \d+ characters|Name the|not a URL|must start|is not a .* host|either the access key/;

  it('every provider’s refused submission: one message per block, none left in English', () => {
    for (const d of providerDefinitions()) {
      for (const auth of d.connect.authChoices) {
        const view = connectModal({ provider: d.id as never, auth: auth.type }, CONNECT_META, { tr });
        const blocks = (view.blocks as { block_id?: string }[]).map((b) => b.block_id).filter(Boolean);
        const typed: Record<string, Record<string, { type: string; value: string }>> = {};
        for (const [i, block] of blocks.entries())
          typed[block!] = { value: { type: 'plain_text_input', value: i % 2 ? 'Has Spaces!' : 'x' } };
        typed.src_gcs_json = { value: { type: 'plain_text_input', value: '{"type": "user"}' } };
        typed.provider = { value: { type: 'static_select', selected_option: { value: d.id } } as never };
        typed[`auth_type.${d.id}`] = {
          value: { type: 'static_select', selected_option: { value: auth.type } } as never,
        };
        for (const values of [{}, typed]) {
          const parsed = parseConnectForm(values as never, 'T1', [], tr);
          expect(parsed.ok).toBe(false);
          if (parsed.ok) continue;
          for (const [block, message] of Object.entries(parsed.errors)) {
            if (values === typed) expect(blocks, `${locale} ${d.id} ${block}`).toContain(block);
            expect(message.length).toBeLessThanOrEqual(300);
            if (other) expect(message, `${locale} ${d.id} ${block}`).not.toMatch(ENGLISH_FORM);
          }
        }
      }
    }
  });

  it('the failed-check messages keep the provider’s code and message, around the reader’s words', () => {
    const connection = {
      name: NAME40,
      team: 'T1',
      provider: 'huawei-oms',
      endpoint: 'https://oms.cn-north-4.myhuaweicloud.com',
      projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      auth: { type: 'aksk', accessKey: 'AK', secretKey: 'SK' },
      storage: {},
    } as never;
    for (const error of [...providerFailures(), asAppError(new Error('connect ECONNREFUSED'))]) {
      const errors = checkErrors(connection, error, tr);
      expect(Object.keys(errors)).toHaveLength(1);
      const message = Object.values(errors)[0]!;
      if (error instanceof ProviderError && error.errorCode) expect(message).toContain(error.errorCode);
      if (other)
        expect(message).not.toMatch(/The provider|Not found|not answering|No answer|Could not reach/);
    }
  });

  it('the Testing, Connection saved, Keys replaced and Not saved modals, and the fix-keys notice', () => {
    const summary = `*\`${NAME40}\`* · ${LONG}\n${LONG}`;
    const modals = [
      connectMessageModal(
        own(tr).t('connect.testing.title'),
        own(tr).t('connect.testing.text', { name: `\`${NAME40}\``, host: `\`${LONG}\`` }),
        CONNECT_META,
        tr,
      ),
      connectMessageModal(
        own(tr).t('connect.saved.title'),
        own(tr).t('connect.saved.text', { summary, name: NAME40 }),
        CONNECT_META,
        tr,
      ),
      connectMessageModal(
        own(tr).t('connect.replaced.title'),
        own(tr).t('connect.replaced.text', { summary, name: NAME40 }),
        CONNECT_META,
        tr,
      ),
      connectMessageModal(
        own(tr).t('connect.notSaved.title'),
        own(tr).t('connect.notSaved.text', { reason: 'r'.repeat(2500) }),
        CONNECT_META,
        tr,
      ),
      connectModal(
        { provider: 'huawei-oms', auth: 'aksk' },
        { ...CONNECT_META, replaces: NAME40 },
        {
          tr,
          notice: own(tr).t('connection.fixKeys.notice', { name: `\`${NAME40}\`` }),
        },
      ),
    ];
    for (const view of modals) {
      expect(viewLimitProblems(view as never), locale).toEqual([]);
      const text = JSON.stringify(view);
      if (other)
        expect(text).not.toMatch(
          /Testing the connection|Tested and saved|new keys work|could not be saved|New keys for|"Close"|Storage credentials/,
        );
    }
  });

  it('command errors with the longest inputs: the typed words and names as typed, within limits', () => {
    const names = Array.from({ length: 60 }, (_, i) => `${NAME40.slice(0, 37)}${i}`).join(', ');
    const typed = 't'.repeat(60);
    const errors = [
      NotFoundError.of('error.noConnection', { name: typed, names }),
      NotFoundError.of('error.noConnectionYet', { name: typed }),
      NotFoundError.of('error.noResourceIn', { id: typed, connection: NAME40 }),
      NotFoundError.of('error.noResourceInAny', { id: typed, n: 12 }),
      InvalidInputError.of('error.idTooShort', { id: 'ab', min: 4 }),
      InvalidInputError.of('error.ref.bad', { typed }),
      InvalidInputError.of('list.error.word', {
        name: 'list',
        typed,
        states: LONG,
        kinds: LONG,
      }),
      InvalidInputError.in(SUBSCRIPTIONS_WORDS, 'subscriptions.subscribe.error.targetExtra', {
        usage: LONG,
        words: LONG,
      }),
      InvalidInputError.of('unwatch.error.many', {
        id: typed,
        n: 9,
        channel: '<#C0FAKE001>',
        watches: LONG,
      }),
      InvalidInputError.of('action.error.stateInstead', {
        name: LONG,
        state: 'paused',
        action: 'pause',
        actions: 'resume, delete',
      }),
      InvalidInputError.of('action.error.notOffered', {
        provider: 'ncp',
        kind: 'policy',
        action: 'retry',
      }),
      InvalidInputError.in(CONNECTION_WORDS, 'connect.error.provider', { typed, providers: LONG }),
      InvalidInputError.in(SUBSCRIPTIONS_WORDS, 'subscriptions.unsubscribe.error.none', {
        channel: '<#C0FAKE001>',
        target: LONG,
      }),
      InvalidInputError.in(EXPLAIN_WORDS, 'explain.error.notCode', { typed, examples: LONG }),
      InvalidInputError.of('mention.error.channel', { typed }),
      new KindNotOfferedError(NAME40, 'sync-task'),
      InvalidInputError.of('connect.store.taken', { name: NAME40 }),
      InvalidInputError.in(APPROVAL_WORDS, 'approval.error.gone', { id: 'a084149f0b' }),
      ForbiddenError.in(APPROVAL_WORDS, 'approval.error.self'),
      ForbiddenError.of('error.forbidden', {
        needed: 'approver',
        what: 'approve migration requests',
        role: 'operator',
        where: 'workspace',
        channel: '',
      }),
      ForbiddenError.of('error.forbidden', {
        needed: 'admin',
        what: 'remove connections',
        role: 'viewer',
        where: 'channel',
        channel: '<#C0FAKE001>',
      }),
    ];
    for (const error of errors) {
      const { text, blocks } = renderError(error, 'op12345', tr);
      expect(problems(blocks), `${locale} ${error.localized?.key}`).toEqual([]);
      if (error.localized?.values?.name === typed || error.localized?.values?.typed === typed)
        expect(text).toContain(typed);
      if (other)
        expect(text, error.localized?.key).not.toMatch(
          /No connection|No resource|is not an id|does not understand|Name one|matches \d|You need|cannot be|You can|Unknown provider|is not subscribed|is not an error code|paused|resume|remove connections|You asked|is not a channel|no longer exists|approve migration|does not offer|sync-task|already has/,
        );
    }
    const candidates = Array.from({ length: 10 }, (_, i) => ({
      connection: NAME40,
      kind: 'task' as const,
      id: `19129740783087${i}`,
      name: LONG,
      state: 'paused' as const,
    }));
    const ambiguous = new AmbiguousRefError('1912', candidates);
    ambiguous.action = 'pause';
    const rendered = renderAmbiguous(ambiguous, tr);
    expect(problems(rendered.blocks)).toEqual([]);
    if (other) expect(JSON.stringify(rendered)).not.toMatch(/matches 10 resources|Pause|Paused/);
  });

  // Records stored before English was written once name the channel by its bare id.
  it.each(['C0APPROUT', '<#C0APPROUT>'])(
    'a request that could not be posted: the reason in the reader’s words, the channel (%s) a link',
    (channel) => {
      const record = approvalRecord('failed', {
        failure: {
          message: "I can't post the request in <#C0APPROUT> (not_in_channel): invite me there.",
          localized: {
            key: 'approval.error.cannotPost',
            values: { channel, code: 'not_in_channel' },
          },
        },
      });
      for (const message of [
        renderRequesterNotice(record, 'C0APPROUT', tr),
        renderApprovalRequest(record, tr),
      ]) {
        expect(problems(message.blocks)).toEqual([]);
        const text = JSON.stringify(message.blocks);
        expect(text).toContain('not_in_channel');
        if (other) {
          expect(text).toContain('<#C0APPROUT>');
          expect(text).not.toContain("can't post");
        } else expect(text).toContain('I can&#39;t post'.replace('&#39;', "'"));
      }
    },
  );

  it('kinds a connection does not offer and kinds that could not be listed, in plural words', () => {
    const kinds = ['task', 'task-group', 'sync-task', 'policy', 'job'] as const;
    const blocks = renderResourceList({
      title: 'x',
      resources: [],
      total: 0,
      answered: 0,
      failures: kinds.map((kind, i) => ({
        connection: NAME40,
        kind,
        reason: describeUnreadable(NAME40, [...providerFailures(), new Error('boom')][i], tr),
      })),
      notOffered: kinds.map((kind) => ({ connection: NAME40, kind })),
      tr,
    });
    expect(problems(blocks)).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('OMS.0001');
    if (other)
      expect(text).not.toMatch(
        /migration tasks|task groups|sync tasks|policies|jobs|does not offer|could not be listed|rejected|not answering|refused|could not be read/,
      );
  });
});

describe.each(LOCALES)('replies to actions, watches and deletes in %s', (locale) => {
  const tr = translatorFor(locale);
  const other = locale !== 'en';

  it('acted (done and under way), watched (new, repaired, already, busy), delete plans, within limits', () => {
    const long = { name: LONG };
    const replies = [
      ...(['pause', 'resume', 'retry', 'delete', 'cancel'] as const).map((action) =>
        renderActed(
          {
            action,
            resource: resource('running', long),
            after: resource('paused', long),
            actions: ['resume'],
          },
          { userId: 'U0ALICE01', opId: 'op12345' },
          tr,
          Date.now(),
        ),
      ),
      renderActed(
        {
          action: 'pause',
          resource: resource('running', long),
          after: resource('pausing', long),
          actions: [],
        },
        { userId: 'U0ALICE01', opId: 'op12345' },
        tr,
        Date.now(),
      ),
      ...[
        { created: true, posted: true },
        { created: true, posted: false },
        { created: false, posted: true, repaired: true },
        { created: false, posted: true },
      ].map((result) =>
        renderWatched({ resource: resource('running', long), channelId: 'C0FAKE001', result } as never, tr),
      ),
      renderDeletePlan(
        { resource: resource('paused', long), actions: ['delete'], destructive: 'delete' },
        tr,
        Date.now(),
      ),
      renderDeletePlan(
        { resource: resource('running', long), actions: ['pause'], destructive: undefined },
        tr,
        Date.now(),
      ),
    ];
    for (const reply of replies) {
      expect(reply.text.length).toBeLessThanOrEqual(3000 + LONG.length);
      if (reply.blocks) expect(problems(reply.blocks)).toEqual([]);
      const text = JSON.stringify(reply);
      expect(text).toContain('hw-prod');
      if (other)
        expect(text).not.toMatch(
          / by <@|Watching|already watched|Press the button|cannot be deleted|requested by/,
        );
    }
  });
});
