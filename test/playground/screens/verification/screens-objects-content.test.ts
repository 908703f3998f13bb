import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc64 } from '../../../../src/object-store/crc64.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { inChannelLanguage } from '../screen-page.js';

/**
 * Check the content as people see it (issue 78), at desk and phone width, in English, Korean and
 * Chinese: the confirmation with the sample's bounds, then the content check's post of a finished
 * OMS task whose objects are single-part (MD5 ETags), multipart with a CRC64 on both sides (one
 * arrived wrong), and multipart with no checksum (one arrived wrong, found by the hashed sample).
 */
const screen = usePlaygroundScreens();
const { type, shoot, message } = screen;

const multipart = (key: string) => `"${createHash('md5').update(key).digest('hex')}-4"`;

describe('Check the content at desk and phone width', { timeout: 600_000 }, () => {
  for (const [lang, locale, go, title] of [
    ['en', 'en-US', 'Start the content check', /Content check of/],
    ['ko', 'ko-KR', '내용 확인 시작', /내용 확인/],
    ['zh-CN', 'zh-CN', '开始核对内容', /内容核对/],
  ] as const) {
    it(`${lang}: the confirmation and the content check's post`, async () => {
      const { page, playground } = screen;
      const store = playground.simulators.objects;
      await inChannelLanguage(screen, lang, locale, async () => {
        const name = `archive-${lang.toLowerCase()}`;
        const [src, dst] = [`${name}-src`, `${name}-obs`];
        store.bucket(dst, 'cn-north-4');
        for (let i = 0; i < 120; i++) {
          const key = `docs/${String(i).padStart(3, '0')}.pdf`;
          store.putObject(src, key, `doc ${i}`);
          store.putObject(dst, key, `doc ${i}`);
        }
        for (let i = 0; i < 40; i++) {
          const key = `video/${String(i).padStart(3, '0')}.mp4`;
          const [body, copy] = [`video ${i}`, i === 7 ? `VIDEO ${i}` : `video ${i}`];
          const crc = (b: string) => ({ 'x-obs-hash-crc64ecma': crc64(Buffer.from(b)).toString() });
          store.putObject(src, key, body, { etag: multipart(key), headers: crc(body) });
          store.putObject(dst, key, copy, { etag: multipart(key), headers: crc(copy) });
        }
        for (let i = 0; i < 25; i++) {
          const key = `raw/${String(i).padStart(3, '0')}.bin`;
          store.putObject(src, key, `raw ${i}`, { etag: multipart(key) });
          store.putObject(dst, key, i === 12 ? `RAW ${i}` : `raw ${i}`, { etag: multipart(key) });
        }
        const task = playground.simulators.get('huawei-oms').addTask({
          name,
          status: 5,
          src: { cloud_type: 'AWS', region: 'us-east-1', bucket: src },
          dst: { region: 'cn-north-4', bucket: dst },
        });
        await type(`/migrate verify hw-sim:${task.id} content`);
        const confirm = page
          .locator('#messages .message')
          .filter({ has: page.locator('.bk-button', { hasText: go }) })
          .last();
        await confirm.waitFor();
        await shoot(confirm, `objects-content-confirm-${lang}`);
        await confirm.locator('.bk-button', { hasText: go }).click();
        // The title's words stand before or after the name, as each language puts them.
        const post = await message(
          new RegExp(`^(?=[\\s\\S]*${title.source})(?=[\\s\\S]*${name})(?=[\\s\\S]*SHA-256)`),
          60_000,
        );
        const text = await post.innerText();
        expect(text).toContain('video/007.mp4');
        expect(text).toContain('raw/012.bin');
        await shoot(post, `objects-content-check-${lang}`);
      });
    });
  }
});
