import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { maskUrls } from '../../../src/url-credentials.js';

// Issue 73, item 4: what every log line and audit entry goes through. The host and path stay (a
// line still says where it went); user info, query values and a fragment do not.

describe('maskUrls', () => {
  it('masks user info, query values and fragments, and leaves the rest of the text alone', () => {
    expect(maskUrls('sent to https://hooks.example.com/in?token=s3cret&team=ops, then done')).toBe(
      'sent to https://hooks.example.com/in?token=…&team=…, then done',
    );
    expect(maskUrls('redis://user:pa/ss@cache:6379/0 and http://a.example/x#frag')).toBe(
      'redis://…@cache:6379/0 and http://a.example/x#…',
    );
    expect(maskUrls('<https://h.example/p?k=v|label>')).toBe('<https://h.example/p?k=…|label>');
    expect(maskUrls('no url here: a?b=c')).toBe('no url here: a?b=c');
  });

  it('keeps every log line valid JSON', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    logger.info(
      { url: 'https://u:p@h.example/a?x="1"&y=\\2', nested: { u: 'http://h/?q=1' } },
      'to https://h/?t=2',
    );
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { url: string; nested: { u: string }; msg: string };
    expect(line.url).toBe('https://…@h.example/a?x=…&y=…');
    expect(line.nested.u).toBe('http://h/?q=…');
    expect(line.msg).toBe('to https://h/?t=…');
    expect(lines[0]).not.toMatch(/p@|t=2|q=1/);
  });
});
