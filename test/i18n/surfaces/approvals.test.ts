import { describe, expect, it } from 'vitest';
import {
  renderRequesterNotice,
  withApproversPing,
} from '../../../src/capabilities/approvals/blocks/approval-notices.js';
import { renderApprovalRequest } from '../../../src/capabilities/approvals/blocks/approval-request.js';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { approvalRecord, NAME40, problems } from './fixtures.js';

// Approval requests and the requester's notices in every language within Slack's limits.
describe.each(LOCALES)('approval requests in %s keep within Slack limits', (locale) => {
  const tr = translatorFor(locale);
  const other = locale !== 'en';

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
});
