import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The bot's sources, for the capability seam tests. */
export const SRC = path.join(import.meta.dirname, '..', '..', 'src');

/** Every `.ts` file under `dir`, as a path relative to it (`slack/blocks/app-home.ts`). */
export function sources(dir = SRC, under = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name), `${under}${e.name}/`)
      : e.name.endsWith('.ts')
        ? [`${under}${e.name}`]
        : [],
  );
}

/** The files outside `folder` (relative to src/) whose text matches `importsIt`. */
export function importersOf(folder: string, importsIt: RegExp): string[] {
  return sources()
    .filter((f) => !f.startsWith(folder))
    .filter((f) => importsIt.test(readFileSync(path.join(SRC, f), 'utf8')));
}
