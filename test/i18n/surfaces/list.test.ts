import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { describeUnreadable } from '../../../src/slack/blocks/error-message.js';
import { renderResourceList } from '../../../src/slack/blocks/resource-list.js';
import { LONG, NAME40, problems, providerFailures, resource, STATES } from './fixtures.js';

// `/migrate list` in every language: full pages, gaps, and the kinds a connection does not offer.
describe.each(LOCALES)('the list in %s keeps within Slack limits', (locale) => {
  const tr = translatorFor(locale);
  const other = locale !== 'en';

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
