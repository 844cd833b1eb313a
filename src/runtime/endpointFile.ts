import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMPANION_FILE_PATTERN, COMPANION_FOLDER, isProcessRunning, type CompanionEndpoint } from './protocol';

/** `<workspace>/.pool-lens/companion-<pid>.json`. */
export function endpointFileOf(workspace: string, pid: number = process.pid): string {
  return path.join(workspace, COMPANION_FOLDER, `companion-${pid}.json`);
}

/**
 * Writes the endpoint file atomically (a 0600 temporary file renamed over it), so a reader never sees half a
 * file or a file others can read, and the folder's `.gitignore` (`*`) so the token is never committed.
 * Files left by processes that are gone (killed by a signal, which runs no exit handler) are removed.
 * Synchronous: it runs once per workspace at start-up, and the exit handler that undoes it must be.
 */
export function writeEndpointFile(workspace: string, endpoint: CompanionEndpoint): string {
  const folder = path.join(workspace, COMPANION_FOLDER);
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(path.join(folder, '.gitignore'), '*\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  removeStaleEndpointFiles(folder, endpoint.pid);
  const file = endpointFileOf(workspace, endpoint.pid);
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    // The mode given to open() is reduced by the umask; set it outright.
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, `${JSON.stringify(endpoint, null, 2)}\n`);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  return file;
}

/** Removes an endpoint file; one already gone is fine. */
export function removeEndpointFile(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // The app is exiting or the folder went away: nothing a user could do about it.
  }
}

function removeStaleEndpointFiles(folder: string, ownPid: number): void {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(COMPANION_FILE_PATTERN.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== ownPid && !isProcessRunning(pid)) removeEndpointFile(path.join(folder, name));
  }
}
