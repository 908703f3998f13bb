import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The playground's page draws an emoji shortcode as the emoji, or, on a machine with no colour
 * emoji font (the screenshot tests' Chromium on bare Linux), as a drawn symbol; a shortcode it
 * does not know stays as typed (`:clipboard:` on a plan report). Every shortcode the bot says,
 * in its catalogues (its capabilities' too) or at the start of a string in its sources (or the playground's), has both.
 */
const page = readFileSync(path.resolve('dev/playground/web/emoji.js'), 'utf8');

function keysOf(table: string): Set<string> {
  const body = new RegExp(`export const ${table} = \\{([\\s\\S]*?)\\n\\};`).exec(page)?.[1];
  if (!body) throw new Error(`no ${table} table in emoji.js`);
  return new Set([...body.matchAll(/^\s*'?([\w+-]+)'?:/gm)].map((m) => m[1]!));
}

function said(): Set<string> {
  const names = new Set<string>();
  // The bot's catalogues and every capability's own (`words/<locale>.json` in its folder).
  const catalogues = readdirSync(path.resolve('src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => /^i18n\/messages\/[^/]+\.json$|\/words\/[^/]+\.json$/.test(file))
    .map((file) => path.resolve('src', file));
  expect(catalogues.length).toBeGreaterThan(3);
  for (const file of catalogues) {
    const catalogue = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    for (const text of Object.values(catalogue))
      for (const m of text.matchAll(/(?<![\w:]):([a-z0-9_+]+):(?!\w)/g)) names.add(m[1]!);
  }
  // The bot's sources, and the playground's own (a file it shows in a thread, say).
  for (const root of ['src', 'dev/playground'])
    for (const file of readdirSync(path.resolve(root), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(path.resolve(root, file), 'utf8');
      for (const m of text.matchAll(/[`'"]:([a-z0-9_+]+): /g)) names.add(m[1]!);
    }
  return names;
}

describe('emoji on the playground page', () => {
  it('knows every shortcode the bot says, with a drawn symbol where no emoji font is', () => {
    const emoji = keysOf('EMOJI');
    const drawn = keysOf('FALLBACK');
    const names = [...said()].sort();
    expect(names).toEqual(expect.arrayContaining(['clipboard', 'page_facing_up']));
    expect(names.filter((n) => !emoji.has(n))).toEqual([]);
    expect(names.filter((n) => !drawn.has(n))).toEqual([]);
  });

  it('draws a boxed symbol only in a colour the box has (white on it otherwise: nothing seen)', () => {
    const css = readFileSync(path.resolve('dev/playground/web/style.css'), 'utf8');
    const boxed = new Set([...css.matchAll(/\.emoji-box\.emoji-(\w+) \{/g)].map((m) => m[1]!));
    const body = /export const FALLBACK = \{([\s\S]*?)\n\};/.exec(page)![1]!;
    const boxes = [...body.matchAll(/^\s*'?([\w+-]+)'?: \['[^']*', '(\w+)', true\]/gm)];
    expect(boxes.length).toBeGreaterThan(0);
    expect(boxes.filter((m) => !boxed.has(m[2]!)).map((m) => m[1])).toEqual([]);
  });
});
