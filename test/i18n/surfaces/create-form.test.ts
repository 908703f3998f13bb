import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { createTargets } from '../../../src/providers/registry.js';
import {
  loadFailedModal,
  loadingModal,
  messageModal,
  pickerModal,
} from '../../../src/slack/blocks/create/flow-modals.js';
import { renderCreateForm } from '../../../src/slack/blocks/create/render-form.js';
import { viewLimitProblems } from '../../harness/interactions.js';
import { LONG, NAME40, READING } from './fixtures.js';

// The create flow's modals in every language within Slack's view limits.
describe.each(LOCALES)('the create flow in %s keeps within Slack limits', (locale) => {
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
        if (other) for (const label of Object.values(target.labels)) expect(text).not.toContain(`"${label}"`);
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
    expect(viewLimitProblems(messageModal(tr.t('create.title'), 'z'.repeat(5000), tr) as never)).toEqual([]);
    if (other) expect(JSON.stringify(picker)).not.toContain('Connection and kind');
  });
});
