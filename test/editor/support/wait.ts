/** How long a test waits for the editor to show what a user would see. */
export const WAIT_TIMEOUT_MS = 20_000;

/**
 * Time to let the debounced analysis run when a test checks that something does NOT appear or does
 * NOT change; there is no event for "the analysis ran and found nothing new". Several times the
 * default 300 ms debounce.
 */
export const SETTLE_MS = 2_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns something other than undefined. On timeout, throws with `what` and
 * the last state `describe` gives, so a failure says what was seen instead.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined, describe: () => string, timeoutMs = WAIT_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${describe()}`);
    await sleep(100);
  }
}
