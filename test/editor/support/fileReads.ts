import { statSync, utimesSync } from 'node:fs';

/**
 * Observes whether anything reads a file, through its access time. On a filesystem mounted with
 * `relatime` (the Linux default; this machine's root is ext4 `relatime`) a read updates the access
 * time only when it is not newer than the file's modification or change time. Arming sets the access
 * time an hour before the modification time (which makes the change time "now" too), so the next read
 * of the contents, by any process, moves it; `stat`, `open` without a read, directory listings and file
 * watchers do not. On a `noatime` mount no read would ever be seen, so a test that finds "not read"
 * then reads the file itself and checks that the probe notices.
 */
export interface ReadProbe {
  readonly file: string;
  /** Whether the contents were read since arming. */
  wasRead(): boolean;
  /** The armed and the current access time, for a failure message. */
  describe(): string;
}

export function armReadProbe(file: string): ReadProbe {
  const { mtime } = statSync(file);
  // Whole seconds, so the value reads back exactly on any filesystem's timestamp precision.
  const armed = new Date(Math.floor(mtime.getTime() / 1000) * 1000 - 3_600_000);
  utimesSync(file, armed, mtime);
  const atime = () => statSync(file).atime;
  if (atime().getTime() !== armed.getTime()) throw new Error(`Could not set the access time of ${file} (it reads ${atime().toISOString()}).`);
  return {
    file,
    wasRead: () => atime().getTime() !== armed.getTime(),
    describe: () => `access time armed at ${armed.toISOString()}, now ${atime().toISOString()}`,
  };
}
