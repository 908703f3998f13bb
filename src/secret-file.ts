import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import path from 'node:path';

/**
 * One secret from a file (`<NAME>_FILE`, or MIGRATE_BOT_SETTINGS_DIR), checked at the file reached through
 * symlinks (a Kubernetes Secret is `NAME -> ..data/NAME`). Refused: not a regular file (a FIFO blocks
 * start-up deaf to SIGTERM, `/dev/zero` fills memory), over `MAX_SECRET_FILE_BYTES`, or a file or folder
 * `o+w` (a folder: without sticky bit): who rewrites STORE_URL owns the bot. Warned: `o+r`, `g+w` (group
 * read is fine: `defaultMode: 0440` + `fsGroup`). Messages name setting, path and fix, never the content.
 */
export const MAX_SECRET_FILE_BYTES = 1024 * 1024;

export type SecretFile = { content: string; warning?: string } | { problem: string };

export function readSecretFile(file: string): SecretFile {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer, for ever.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { problem: `cannot be read: ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: `must name a regular file: ${file} is ${kindOf(stat)}` };
    const open = openToOthers(file, stat);
    if (open.problem) return { problem: open.problem };
    const bytes = readAtMost(fd, MAX_SECRET_FILE_BYTES + 1);
    if (bytes.length > MAX_SECRET_FILE_BYTES)
      return {
        problem: `names a file of more than ${MAX_SECRET_FILE_BYTES} bytes: ${file} (a secret file holds one value)`,
      };
    const content = bytes.toString('utf8').replace(/[\r\n]+$/, '');
    return open.warning ? { content, warning: open.warning } : { content };
  } catch (error) {
    return { problem: `cannot be read: ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` };
  } finally {
    closeSync(fd);
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (a named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** What the mode bits of the file, and of the folders it is named and found in, let others do. */
function openToOthers(file: string, stat: Stats): { problem?: string; warning?: string } {
  if (process.platform === 'win32') return {};
  const mode = octal(stat.mode);
  if ((stat.mode & 0o002) !== 0)
    return {
      problem: `names a file anyone on the host can change (mode ${mode}): ${file}; fix: chmod 600 ${file}`,
    };
  for (const folder of foldersOf(file)) {
    const dir = statSync(folder, { throwIfNoEntry: false });
    if (!dir || (dir.mode & 0o002) === 0) continue;
    const fix = `keep the file in a folder of its own (chmod o-w ${folder})`;
    if ((dir.mode & 0o1000) === 0)
      return {
        problem: `names a file in a folder anyone on the host can change (${folder}, mode ${octal(dir.mode)}), so anyone can replace it: ${file}; fix: ${fix}`,
      };
    // A shared folder (/tmp): only its owner can replace the file, but anyone could have made it.
    if (stat.uid !== 0 && stat.uid !== process.getuid?.())
      return {
        problem: `names a file of another user (uid ${stat.uid}) in a shared folder (${folder}), which anyone could have put there: ${file}; fix: ${fix}`,
      };
  }
  if ((stat.mode & 0o024) === 0) return {};
  const who = (stat.mode & 0o004) !== 0 ? 'other users can read' : 'its group can change';
  return {
    warning: `names a file ${who} (mode ${mode}): ${file}; fix: chmod 600 ${file} (or 0440 with its group: a Kubernetes Secret volume's defaultMode, as deploy/kustomize sets)`,
  };
}

/** The folder a file is named in and the one it is in once links are followed. */
function foldersOf(file: string): string[] {
  const named = path.dirname(path.resolve(file));
  let real = named;
  try {
    real = path.dirname(realpathSync(file));
  } catch {
    // Gone since it was opened: the named folder is still checked.
  }
  return real === named ? [named] : [named, real];
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Up to `max` bytes, whatever size the file says (procfs files say 0). */
function readAtMost(fd: number, max: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, max - total));
    if (chunk.length === 0) break;
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  return Buffer.concat(chunks, total);
}
