import {
  chmodSync,
  closeSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import path from 'node:path';

/**
 * The SQLite store holds sealed credentials and the audit log: its folder is 0700 and each file
 * 0600, whatever the umask. SQLite gives -wal, -shm and -journal files the database's own mode, so
 * the database (and the lock file) is created at 0600 before SQLite opens it. Looser files of this
 * user are tightened; another user's are reported and left (not the bot's call; the kernel refuses).
 */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** The files SQLite keeps for one database: the file itself and its companions. */
export function sqliteFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}

/**
 * Creates `dir` and any missing parents, each at 0700. One `mkdir` per missing component, so the
 * number of calls is bounded by the path's depth: Node's own `{ recursive: true }` retries forever
 * when the kernel answers ENOENT for a folder whose parent exists (anywhere under /proc), spinning at
 * full CPU with the event loop held, deaf to SIGTERM. Here that answer is an error like any other.
 */
export function makePrivateDir(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!exists(current)) {
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, { mode: DIR_MODE });
    } catch (error) {
      // Made by someone else meanwhile: fine if it is a folder (a file there fails below or at open).
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      continue;
    }
    // The umask may have taken bits away (0o277 leaves 0500, where the bot could not write).
    chmodSync(folder, DIR_MODE);
  }
}

/**
 * The store's folder and database as they should be before SQLite opens them: the folder made
 * (0700) or tightened, then as `preparePrivateDatabase`. Returns what it could not change (another
 * user's), for the log.
 */
export function preparePrivateStore(file: string): string[] {
  const warnings: string[] = [];
  const dir = path.dirname(file);
  makePrivateDir(dir);
  keepPrivate(dir, 'folder', warnings);
  return [...warnings, ...preparePrivateDatabase(file)];
}

/** A database file created at 0600 if missing, and it and its companions tightened. */
export function preparePrivateDatabase(file: string): string[] {
  const warnings: string[] = [];
  createPrivateFile(file);
  for (const companion of sqliteFiles(file)) keepPrivate(companion, 'file', warnings);
  return warnings;
}

/**
 * The path the store is known by, whichever way it is reached: the real file (symlinks resolved),
 * or, before the file exists, the real folder and the file name (a link that points nowhere yet
 * followed to where the file will be). Locks are named after it, so two bots reaching one file by
 * two paths find one lock. The folder must exist.
 */
export function realStorePath(file: string): string {
  let target = path.resolve(file);
  // As the kernel does, a bounded number of links (Linux's own limit: 40).
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const here = path.join(realpathSync(path.dirname(target)), path.basename(target));
    if (!lstatSync(here, { throwIfNoEntry: false })?.isSymbolicLink()) return here;
    target = path.resolve(path.dirname(here), readlinkSync(here));
  }
  return target;
}

/**
 * A new file at 0600 (`wx`: never truncates one that exists), for SQLite to open. A path that is
 * already there (a database, a directory) is left for SQLite to open or to refuse with its own words.
 */
function createPrivateFile(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  try {
    fchmodSync(fd, FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/**
 * Takes group and other bits off a folder or regular file of this user (its other bits, setgid for
 * one, kept); reports one of another user's, and a shared folder (sticky bit: /tmp), which is not
 * the bot's to close.
 */
function keepPrivate(target: string, kind: 'folder' | 'file', warnings: string[]): void {
  const stat = statOrUndefined(target);
  if (!stat || process.platform === 'win32') return;
  // Anything else there (a directory named like the database) is SQLite's to refuse.
  if (kind === 'folder' ? !stat.isDirectory() : !stat.isFile()) return;
  const mode = kind === 'folder' ? DIR_MODE : FILE_MODE;
  if ((stat.mode & 0o077) === 0) return;
  const current = (stat.mode & 0o777).toString(8).padStart(4, '0');
  const wanted = mode.toString(8).padStart(4, '0');
  const ownFolder = 'point STORE_URL at a file in a folder of its own';
  if (kind === 'folder' && (stat.mode & 0o1000) !== 0) {
    warnings.push(
      `${target} is a shared folder (mode ${current}, sticky), so the store's file names are visible to others: ${ownFolder}`,
    );
    return;
  }
  const fix = `make it ${wanted} (chmod ${wanted.slice(1)} ${target}) or ${ownFolder}`;
  if (stat.uid !== process.getuid?.()) {
    warnings.push(
      `${target} is open to others (mode ${current}) and belongs to another user (uid ${stat.uid}), ` +
        `so the bot leaves it as it is: ${fix}`,
    );
    return;
  }
  chmodSync(target, stat.mode & 0o7700);
}

function exists(target: string): boolean {
  return statOrUndefined(target) !== undefined;
}

function statOrUndefined(target: string): Stats | undefined {
  try {
    return statSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
