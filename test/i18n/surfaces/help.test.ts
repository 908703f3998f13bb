import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { renderHelp } from '../../../src/slack/blocks/help.js';
import { renderHelpTopic } from '../../../src/slack/blocks/help-topic.js';
import { LONG, problems, SUBCOMMANDS } from './fixtures.js';

// `/migrate help`, short and complete, and its page for each subcommand, in every language.
describe.each(LOCALES)('help in %s keeps within Slack limits', (locale) => {
  const tr = translatorFor(locale);

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
});
