import { describe, expect, it } from 'vitest';
import type { MigrationResource } from '../../../src/domain/migration-resource.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { renderParentCard } from '../../../src/slack/blocks/watch-notifications.js';

// A created migration's card says who watches it and which request made it, sentence after
// sentence: each ends in its full stop, and a Chinese full stop takes no space after it.
const job: MigrationResource = {
  provider: 'upcloud',
  connection: 'upcloud-sim',
  kind: 'job',
  id: '8814dcb3-d358-4275-9226-7d72427603a5',
  name: 'media-archive',
  state: 'running',
  rawStatus: 'running',
  bytes: { done: 1, total: 10 },
  objects: {},
  source: { cloud: 'AWS', region: 'eu-central-1', bucket: 'acme-media' },
  destination: { cloud: 'UpCloud', region: 'fi-hel2', bucket: 'media-fi' },
};

function notice(locale: 'en' | 'ko' | 'zh-CN', title?: string): string {
  const card = renderParentCard(
    {
      resource: job,
      actions: [],
      ended: false,
      by: 'U0ALICE01',
      origin: { request: 'f745d13d77', ...(title ? { title } : {}) },
    },
    translatorFor(locale),
    Date.parse('2026-11-28T08:20:00Z'),
  );
  return JSON.stringify(card.blocks);
}

describe('a created migration card’s notice', () => {
  it('ends the request it came from with a full stop, titled or not', () => {
    expect(notice('en', 'media-archive')).toContain('Created from request `f745d13d77` “media-archive”.');
    expect(notice('en')).toContain('Created from request `f745d13d77`.');
    expect(notice('ko', 'media-archive')).toContain('요청 `f745d13d77` “media-archive”에서 만들어졌습니다.');
  });

  it('runs Chinese sentences on after their full stop', () => {
    const zh = notice('zh-CN', 'media-archive');
    expect(zh).toContain('由请求 `f745d13d77` “media-archive” 创建。');
    expect(zh).not.toMatch(/。 /);
  });
});
