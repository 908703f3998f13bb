import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  fchmodSync,
  linkSync,
  lstatSync,
  openSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { FILE_MODE, sqliteFiles } from '../store/private-files.js';

/**
 * The file `store backup` writes: new, 0600 whatever the umask (sealed credentials, audit log), never
 * through a symlink nor over a file that is there. The copy is made beside the target, created exclusively,
 * and hard-linked into place once whole (a link fails rather than replace): a planted dangling link cannot
 * redirect it, two backups to one name cannot both land, and a failed one leaves nothing like a backup.
 */
export async function writeBackupFile(
  target: string,
  fill: (partial: string) => Promise<void>,
): Promise<void> {
  if (lstatSync(target, { throwIfNoEntry: false })) throw exists(target);
  const partial = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`,
  );
  // `wx` is O_CREAT | O_EXCL: it never opens through a link, dangling or not.
  const fd = openSync(partial, 'wx', FILE_MODE);
  try {
    fchmodSync(fd, FILE_MODE);
  } finally {
    closeSync(fd);
  }
  try {
    await fill(partial);
    place(partial, target);
  } finally {
    for (const file of sqliteFiles(partial)) rmSync(file, { force: true });
  }
}

/** Errors of a file system without hard links (some network and FUSE mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

function place(partial: string, target: string): void {
  try {
    linkSync(partial, target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw exists(target);
    if (!NO_HARD_LINKS.has(code)) throw error;
  }
  try {
    // An exclusive copy instead (O_EXCL as well: no link followed, nothing replaced), mode 0600 kept.
    copyFileSync(partial, target, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists(target);
    throw error;
  }
}

function exists(target: string): ConfigError {
  return new ConfigError(
    `${target} exists already (a file, a folder or a link): give a new file (nothing was written).`,
  );
}
