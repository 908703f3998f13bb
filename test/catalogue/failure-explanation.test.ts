import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explainFailure,
  failureExplanationText,
  failureMainAction,
  renderFailureExplanation,
} from '../../src/slack/blocks/failure-explanation.js';

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('the failure explanation', () => {
  it('says each thing once: the code with what it means, the fix, a quote that adds something, the next step', () => {
    const text = failureExplanationText({
      code: 'TRF.0151',
      providerMessage: 'SignatureDoesNotMatch (source)',
    });
    expect(text.split('\n')).toEqual([
      '`TRF.0151` The source AK/SK pair is invalid.',
      '*Fix:* Enter a valid AK/SK pair and try again.',
      '> SignatureDoesNotMatch (source)',
      "*Next step:* Ask an admin to fix the connection's keys, then Resume.",
    ]);
    expect(occurrences(text, 'TRF.0151')).toBe(1);
  });

  it('leaves out a provider line that only says the catalogue again (TRF.0015), and keeps one that names a file', () => {
    const text = failureExplanationText({
      code: 'TRF.0015',
      providerMessage: 'The source AK/SK is invalid or has expired.',
    });
    expect(text).not.toContain('>');
    expect(text.split('\n')).toHaveLength(3);
    expect(
      failureExplanationText({
        code: 'TRF.0013',
        providerMessage: 'The object list file lists/catalog-2026.txt does not exist in bucket acme-lists.',
      }),
    ).toContain('> The object list file lists/catalog-2026.txt');
  });

  it("gives an admin the admin's next step", () => {
    expect(failureExplanationText({ code: 'TRF.0057', canFixConnection: true })).toContain(
      "Fix the connection's keys, then Resume.",
    );
  });

  it('quotes the provider once, and not at all when it repeats the catalogue', () => {
    // TRF.0057's description is "Invalid AK/SK."; the provider saying the same adds nothing.
    const repeated = failureExplanationText({ code: 'TRF.0057', providerMessage: 'invalid AK/SK' });
    expect(repeated).not.toContain('\n>');
    expect(occurrences(repeated.toLowerCase(), 'invalid ak/sk')).toBe(1);
    const multiLine = failureExplanationText({
      code: 'TRF.0004',
      providerMessage: '3 objects failed\nsee list',
    });
    expect(multiLine).toContain('> 3 objects failed see list');
  });

  it('says where the failed objects are listed, before the next step', () => {
    const lines = explainFailure({
      code: 'TRF.0004',
      failedObjectList: { path: 'oms/failed_object_lists/42/failed_list.txt', bucket: 'photos-obs' },
    }).lines;
    expect(lines.at(-2)).toBe(
      'Failed objects are listed in `oms/failed_object_lists/42/failed_list.txt` in the destination bucket `photos-obs`.',
    );
    expect(lines.at(-1)).toMatch(/^\*Next step:\*/);
    expect(failureExplanationText({ code: 'TRF.0004', failedObjectList: { path: 'a.txt' } })).toContain(
      'Failed objects are listed in `a.txt` (destination bucket).',
    );
  });

  it('leaves out "What it means" when it only repeats the title', () => {
    const text = failureExplanationText({ code: 'S3M.0063' });
    expect(text).not.toContain('What it means');
    expect(text).toContain('*Fix:* Pause the task and try again.');
  });

  it('escapes provider text: mentions, links and formatting stay inert', () => {
    const text = failureExplanationText({
      code: 'TRF.0002',
      providerMessage: '<!channel> see <https://evil.example|here> *now* `x`',
    });
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toMatch(/\*now\*/);
  });

  it('keeps any provider message and failed-object path inert (property)', () => {
    const hostile = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            '<!channel>',
            '<@U0ADMIN>',
            '<https://evil.example|x>',
            '*b*',
            '~s~',
            '`c`',
            '&',
            '\n',
            '\n> ',
          ),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 10 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(hostile, hostile, fc.constantFrom('TRF.0004', 'OMS.4242', ''), (message, path, code) => {
        const text = failureExplanationText({
          code,
          providerMessage: message,
          failedObjectList: { path, bucket: 'b' },
        });
        expect(text).not.toMatch(/<[!@#]|<https?:/);
        expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        // The quote stays one line: a provider's newline cannot start a line of its own.
        expect(text.split('\n').filter((line) => line.startsWith('>')).length).toBeLessThanOrEqual(1);
        // The path stays on its own single line, inside one inline code span.
        const listed = text.split('\n').find((line) => line.startsWith('Failed objects are listed'));
        if (path.trim()) expect(listed).toMatch(/ in the destination bucket `b`\.$/);
        else expect(listed).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('cuts a long provider message and keeps the section under Slack limits', () => {
    const { blocks, text } = renderFailureExplanation({
      code: 'TRF.0004',
      providerMessage: 'x'.repeat(20_000),
    });
    const section = (blocks[0] as { text: { text: string } }).text.text;
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section).toContain('…');
    expect(section).toContain('*Next step:*');
    expect(text.length).toBeLessThanOrEqual(300);
  });

  it('picks the entry for the HTTP status, leaving the status to the lead', () => {
    const text = failureExplanationText({ code: 'OMS.0095', httpStatus: 403 });
    expect(text).toContain('*Fix:* Check whether you have the required permissions.');
    expect(failureExplanationText({ code: 'OMS.0095', httpStatus: 400 })).toContain(
      '*Fix:* Check the access permissions.',
    );
    expect(text).not.toContain('403');
  });

  it('says plainly when the code is unknown, and still quotes the provider', () => {
    const explained = explainFailure({ code: 'OMS.4242', providerMessage: 'disk on fire' });
    expect(explained.known).toBe(false);
    expect(explained.codeClass).toBe('unknown');
    // The provider's words are all there is to say what it means, on the first line with the code.
    expect(explained.lines[0]).toBe('`OMS.4242` disk on fire');
    expect(explained.lines.at(-1)).toMatch(/^\*Next step:\* Check the provider console/);
    expect(explained.summary).toBe('disk on fire');
    const nothing = explainFailure({ code: 'OMS.4242' }).lines;
    expect(nothing).toEqual([expect.stringContaining('Unknown error code OMS.4242')]);
    expect(explainFailure({}).lines[0]).toContain('No error code was reported');
  });

  it('puts a surface headline first and gives the class with its next step', () => {
    const rendered = renderFailureExplanation({ code: 'TRF.0004' }, ':x: *photos* failed at 38%.');
    const section = (rendered.blocks[0] as { text: { text: string } }).text.text;
    expect(section.startsWith(':x: *photos* failed at 38%. `TRF.0004` Some objects failed')).toBe(true);
    expect(rendered.text).toBe('TRF.0004: Some objects failed to be migrated.');
    expect(rendered.explanation.codeClass).toBe('partial');
    expect(failureMainAction(rendered.explanation, ['pause', 'resume', 'retry'])).toBe('retry');
    const quota = explainFailure({ code: 'TRF.0055' });
    expect(failureMainAction(quota, ['resume', 'retry'])).toBeUndefined();
  });
});
