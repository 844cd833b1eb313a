import type { Page } from 'playwright-core';

/**
 * What the workbench renders for a notification: a list row whose aria-label reads
 * "<Severity>: <message>, source: <extension display name>, notification…", as a toast in the bottom
 * corner and as a row of the notification center (the bell). The source element itself is empty until
 * a row is expanded, so the aria-label is what names the extension.
 */
const TOAST_ROWS = '.notifications-toasts .notification-toast .monaco-list-row[aria-label]';
const CENTER_ROWS = '.notifications-center .monaco-list-row[aria-label]';
const POOL_LENS_SOURCE = ', source: Pool Lens,';

/** The notifications among `labels` that Pool Lens raised. */
export function fromPoolLens(labels: readonly string[]): string[] {
  return labels.filter((label) => label.includes(POOL_LENS_SOURCE));
}

/** The page's globals the watcher uses (this file is type-checked without the DOM library). */
interface WatchedPage {
  __poolLensToasts?: string[];
  document: { body: unknown; querySelectorAll(selector: string): Iterable<{ getAttribute(name: string): string | null }> };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, unknown>): void };
}

/**
 * Starts recording, in the page, the aria-label of every notification toast the workbench renders
 * from now on. A toast hides itself after some seconds; the recording keeps it, so a toast that came
 * and went between two looks is still seen.
 */
export async function watchToasts(page: Page): Promise<void> {
  await page.evaluate((selector) => {
    const window = globalThis as unknown as WatchedPage;
    if (window.__poolLensToasts) return;
    const seen: string[] = [];
    window.__poolLensToasts = seen;
    // An anonymous callback: tsx names named functions with a helper that does not exist in the page.
    new window.MutationObserver(() => {
      for (const row of window.document.querySelectorAll(selector)) {
        const label = row.getAttribute('aria-label');
        if (label && !seen.includes(label)) seen.push(label);
      }
    }).observe(window.document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] });
  }, TOAST_ROWS);
}

/** Every toast recorded since `watchToasts` (or the last `forgetToasts`). */
export function toastsSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => [...((globalThis as unknown as WatchedPage).__poolLensToasts ?? [])]);
}

export async function forgetToasts(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as WatchedPage).__poolLensToasts?.splice(0));
}

/** Runs a command from the command palette (F1) by its full title, as a person would (the command may open a quick pick of its own). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  // Enter runs the highlighted entry; wait until the filtered list highlights this one.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).waitFor();
  await page.keyboard.press('Enter');
}

/** Removes every notification, toasts and center alike (Notifications: Clear All Notifications). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator(TOAST_ROWS).first().waitFor({ state: 'detached' });
}

/**
 * Opens the notification center, reads the notifications it lists (all since the last clear, toasts
 * that already hid themselves included), and closes it again. `atLeast` waits for that many rows.
 */
export async function notificationCenter(page: Page, atLeast = 0): Promise<string[]> {
  await runCommand(page, 'Notifications: Show Notifications');
  await page.locator('.notifications-center.visible').waitFor();
  if (atLeast > 0) await page.locator(CENTER_ROWS).nth(atLeast - 1).waitFor();
  const labels = await page.locator(CENTER_ROWS).evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
  await runCommand(page, 'Notifications: Hide Notifications');
  await page.locator('.notifications-center.visible').waitFor({ state: 'detached' });
  return labels;
}
