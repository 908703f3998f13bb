import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const CAPS = path.join(import.meta.dirname, '..', '..', 'src', 'capabilities');

/** The capability folders: those the one list (`registry.ts`) imports a capability from. */
export function capabilityFolders(): string[] {
  const registry = readFileSync(path.join(CAPS, 'registry.ts'), 'utf8');
  return [...new Set([...registry.matchAll(/from '\.\/([^/']+)\//g)].map((m) => m[1] as string))].sort();
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

/** `import … from`, `export … from`, `import '…'` and `import('…')`: every relative specifier. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * Folder A imports folder B (B ≠ A): every relative import of every file under a capability
 * folder, type-only ones too, resolved to the folder it lands in. Each pair with the files and
 * specifiers that make it, for the failure message.
 */
export function capabilityPairs(sources: readonly string[] = capabilityFolders()): Map<string, string[]> {
  const folders = new Set(capabilityFolders());
  const pairs = new Map<string, string[]>();
  for (const from of sources) {
    for (const file of tsFiles(path.join(CAPS, from))) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
        const to = path.relative(CAPS, path.resolve(path.dirname(file), spec as string)).split(path.sep)[0];
        if (!to || to === from || !folders.has(to)) continue;
        const key = `${from} -> ${to}`;
        pairs.set(key, [...(pairs.get(key) ?? []), `${path.relative(CAPS, file)}: ${spec}`]);
      }
    }
  }
  return pairs;
}
