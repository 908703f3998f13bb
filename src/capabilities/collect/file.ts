import { readFileSections } from '../../connections/file-sections.js';
import type { StartedList } from './started-list.js';

/** The top-level keys of the connections file that capabilities read (known before they start). */
export function fileKeys(list: StartedList): string[] {
  return list.list.flatMap((c) => (c.fileKey ? [c.fileKey] : []));
}

/**
 * Parses every capability's section of the connections file (a ConfigError names the first
 * malformed one's line and reason); the function returned applies them all, so none changes
 * unless all parsed.
 */
export function prepareFile(list: StartedList, file: string | undefined): () => void {
  const keys = fileKeys(list);
  if (!file || keys.length === 0) return () => {};
  const sections = new Map(readFileSections(file, keys).map((s) => [s.key, s]));
  const applies = list.started.flatMap(({ capability, parts }) => {
    const section = capability.fileKey ? sections.get(capability.fileKey) : undefined;
    if (!section || !parts.file) return [];
    const { file: part } = parts;
    const parsed = part.parse(section);
    return [() => part.apply(parsed)];
  });
  return () => {
    for (const apply of applies) apply();
  };
}
