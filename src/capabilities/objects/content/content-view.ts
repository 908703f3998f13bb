import type { Translator } from '../../../i18n/translator.js';
import type { Tally } from '../compare.js';
import { OBJECTS_WORDS } from '../words.js';
import { ALGORITHMS, type Algorithm } from './checksums.js';
import { HEAD_PAIRS } from './content-tier.js';
import type { ContentOutcome, Side } from './outcome.js';
import { upperBound95 } from './sample.js';

/** How each algorithm is named on the post (the same in every language: they are names). */
const NAMES: Record<Algorithm, string> = {
  sha256: 'SHA-256',
  sha1: 'SHA-1',
  md5: 'MD5',
  crc64ecma: 'CRC64-ECMA',
  crc64nvme: 'CRC64NVME',
  crc32c: 'CRC32C',
  crc32: 'CRC32',
};

/** "MD5 1,000 · CRC64-ECMA 200", strongest first. */
function perAlgorithm(counts: Partial<Record<Algorithm, number>>, tr: Translator): string {
  return ALGORITHMS.filter((a) => counts[a])
    .map((a) => `${NAMES[a]} ${tr.count(counts[a])}`)
    .join(' · ');
}

/** 0.00996 → "1.0 %": rounded up, so the bound said is never lower than the one shown. */
function percent(share: number): string {
  return `${(Math.ceil(share * 1000) / 10).toFixed(1)} %`;
}

/**
 * A content check's lines under its counts: what was compared by checksum with no bytes
 * downloaded, per side which checksums it stated and what was downloaded from it, exactly what the
 * sample shows, and what nothing checked. Pure.
 */
export function contentLines(c: ContentOutcome, tally: Tally, done: boolean, tr: Translator): string[] {
  const w = tr.with(OBJECTS_WORDS);
  const same = Object.values(c.same).reduce((n, x) => n + (x ?? 0), 0);
  const lines = [
    w.t('objects.content.byChecksum', {
      n: same,
      which: perAlgorithm(c.same, tr) || '–',
      differ: c.byChecksum,
    }),
  ];
  for (const side of ['source', 'destination'] as Side[]) {
    const s = c.sides[side];
    lines.push(
      w.t('objects.content.side', {
        side: w.t(`objects.side.${side}`),
        stated: perAlgorithm(s.stated, tr) || w.t('objects.content.noChecksum'),
        n: s.downloaded,
        bytes: tr.bytes(s.bytes),
      }),
    );
  }
  if (c.unasked > 0) lines.push(w.t('objects.content.unasked', { n: c.unasked, bound: HEAD_PAIRS }));
  const s = c.sample;
  if (done && s) {
    const bound = upperBound95(s.n);
    if (s.n === s.pool && s.differ === 0) lines.push(w.t('objects.content.allSampled', { n: s.n }));
    else if (s.differ === 0 && bound !== undefined)
      lines.push(w.t('objects.content.sampled', { n: s.n, pool: s.pool, pct: percent(bound) }));
    else if (s.n === s.pool) lines.push(w.t('objects.content.allSampledDiffer', { d: s.differ, n: s.n }));
    else if (s.differ > 0)
      lines.push(w.t('objects.content.sampledDiffer', { d: s.differ, n: s.n, pool: s.pool }));
    if (s.tooLarge + s.cutByBytes > 0)
      lines.push(w.t('objects.content.bounded', { large: s.tooLarge, cut: s.cutByBytes }));
    if (s.failed > 0) lines.push(w.t('objects.content.failed', { n: s.failed }));
    if (c.statedWrong) lines.push(w.t('objects.content.statedWrong', { n: c.statedWrong }));
  }
  if (done && c.notChecked > 0) lines.push(w.t('objects.content.notChecked', { n: c.notChecked }));
  if (
    done &&
    c.notChecked === 0 &&
    c.byChecksum + c.byContent === 0 &&
    tally.matched > 0 &&
    (!s || s.n === s.pool)
  )
    lines.push(w.t('objects.content.allSame', { n: tally.matched }));
  return lines;
}
