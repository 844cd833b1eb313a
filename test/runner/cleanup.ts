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

/** Steps that undo a setup, run newest first by `undoAll` (also at the run's cleanup); a failing step is skipped. */
export interface UndoSteps {
  push(step: () => Promise<unknown>): void;
  undoAll(): Promise<void>;
}

export function undoSteps(): UndoSteps {
  const steps: Array<() => Promise<unknown>> = [];
  const undoAll = async (): Promise<void> => {
    for (const step of steps.splice(0).reverse()) await step().catch(() => undefined);
  };
  onCleanup(undoAll);
  return { push: (step) => void steps.push(step), undoAll };
}
