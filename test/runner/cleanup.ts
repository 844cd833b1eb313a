/**
 * Everything a run starts (servers, browsers, temporary folders) registers how to undo itself here, so
 * that a normal end, a failure, Ctrl-C and the overall timeout all leave the machine as it was.
 */
type Cleanup = () => Promise<void> | void;

const cleanups: Cleanup[] = [];
let running: Promise<void> | undefined;

export function onCleanup(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

/** Runs the registered cleanups once, newest first; a failing cleanup does not stop the others. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop()!;
      try {
        await cleanup();
      } catch (error) {
        console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return running;
}
