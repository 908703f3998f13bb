import { describe, expect, it } from 'vitest';
import { checkErrors } from '../../../src/capabilities/connections/connection-check-errors.js';
import {
  messageModal as connectMessageModal,
  connectModal,
} from '../../../src/capabilities/connections/connection-form.js';
import { parseConnectForm } from '../../../src/capabilities/connections/connection-form-parse.js';
import {
  renderConnectionList,
  renderDisconnectPrompt,
} from '../../../src/capabilities/connections/connection-list.js';
import { own } from '../../../src/capabilities/connections/words.js';
import { asAppError, ProviderError } from '../../../src/errors.js';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { providerDefinitions } from '../../../src/providers/registry.js';
import { auditLine } from '../../../src/slack/blocks/audit-line.js';
import { renderCompletionReport } from '../../../src/slack/blocks/completion-report.js';
import { viewLimitProblems } from '../../harness/interactions.js';
import { LONG, NAME40, problems, providerFailures } from './fixtures.js';

// Connecting in every language: the connect modal and its answers, the failed check, the
// connection list and its disconnect prompt (drawn in one test with the completion report and the
// audit lines since #16).
const CONNECT_META = { channel: 'C0FAKE001' };

describe.each(LOCALES)('connections in %s keep within Slack limits', (locale) => {
  const tr = translatorFor(locale);
  const other = locale !== 'en';
  const ENGLISH_FORM =
    /Enter the|Use lowercase|letters and digits|at least \d+ characters|Name the|not a URL|must start|is not a .* host|either the access key/;

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
            for (const f of [...d.connect.fields, ...auth.fields]) expect(text).not.toContain(`"${f.label}"`);
          }
        }
      }
    }
  });

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
});
