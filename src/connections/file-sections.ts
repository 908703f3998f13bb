import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';

/**
 * A top-level section of the connections file that a capability reads (its `file` part), with
 * the line of any value in it, so a problem is told where it is.
 */
export interface FileSection {
  key: string;
  /** The section as parsed (undefined: the file has none). */
  value: unknown;
  /** The file's path, for messages. */
  source: string;
  /** The 1-based line of the value at `path` inside the section, or of the nearest parent found. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Reads the file again and gives each of `keys`' sections (a file that cannot be read is a ConfigError). */
export function readFileSections(file: string, keys: readonly string[]): FileSection[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`MIGRATE_BOT_CONNECTIONS: cannot read ${file}`, { cause });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) throw new ConfigError(`${file}: not valid YAML or JSON`);
  const raw = doc.toJS() as Record<string, unknown> | null;
  return keys.map((key) => ({
    key,
    value: raw && typeof raw === 'object' ? raw[key] : undefined,
    source: file,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn([key, ...path.slice(0, n)], true);
        if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
      }
      return undefined;
    },
  }));
}
