import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { OUTPUT_DIR } from '../paths';
import type { Report } from '../report';
import { setUpFaults, type Faults } from './faultSetup';
import { clearNotifications, forgetToasts, fromPoolLens, notificationCenter, runCommand, toastsSeen, watchToasts } from './notifications';
import { expect, runSteps, type Step } from './userChecks';

const SUITE = 'Workbench in the browser: database faults show in the Pools view, never as a pop-up';
/**
 * How long the faults are watched once their sentences show, for a pop-up that comes late (on a
 * retry): the monitor's backoff retries a failing server after 1, 2 and 4 s, so this spans several.
 */
const WATCH_AFTER_SENTENCES_MS = 12_000;

/**
 * Issue #7: a database fault is one sentence in the tree, never a pop-up. Runs in the workbench the
 * suites ran in: configures a refused port, a wrong password in `.env` and a silent server, opens the
 * Pools view from the activity bar, reads each server's error sentence from the rendered tree, and
 * looks for notifications from Pool Lens both as toasts (recorded by a watcher in the page as they are
 * rendered) and in the notification center. Then it provokes one Pool Lens notification on purpose and
 * checks the same watcher and center see it, so the "none" above can fail.
 */
export async function runFaultChecks(page: Page, report: Report, workspace: string): Promise<void> {
  const shoot = (name: string) => page.screenshot({ path: path.join(OUTPUT_DIR, name) });
  let faults: Faults | undefined;

  const steps: Step[] = [
    {
      title: 'configures a refused port, a wrong password in .env and a silent server, opens the Pools view and reads one error sentence under each server',
      run: async () => {
        await page.keyboard.press('Escape');
        await clearNotifications(page);
        await watchToasts(page);
        await forgetToasts(page);
        faults = await setUpFaults(workspace);
        await openPoolsView(page);
        for (const fault of faults.faults) {
          const server = treeRow(page, fault.key, 1);
          await server.waitFor();
          // The error node sits under its server (level 2) and is the sentence with the server's address in it.
          const sentenceRow = treeRow(page, `${fault.key}`, 2);
          await sentenceRow.waitFor();
          const sentence = (await sentenceRow.innerText()).trim();
          expect(fault.sentence.test(sentence), `the ${fault.pool} pool's server should show ${fault.sentence} under it; the row reads: ${sentence}`);
          expect(!/\n/.test(sentence) && /[.?]$/.test(sentence), `one line ending a sentence, got: ${JSON.stringify(sentence)}`);
        }
        await shoot('10-faults-in-pools-view.png');
      },
    },
    {
      title: 'while the faults show and their servers are retried, no notification from Pool Lens appears (toasts and notification center)',
      run: async () => {
        await page.waitForTimeout(WATCH_AFTER_SENTENCES_MS);
        const toasts = await toastsSeen(page);
        expect(fromPoolLens(toasts).length === 0, `Pool Lens showed a pop-up for a fault: ${fromPoolLens(toasts).join(' | ')}`);
        const center = await notificationCenter(page);
        expect(fromPoolLens(center).length === 0, `the notification center lists Pool Lens notifications: ${fromPoolLens(center).join(' | ')}`);
        console.log(`[editor-tests] notifications while the faults showed: ${toasts.length} toast(s), ${center.length} in the center${center.length ? `: ${center.join(' | ')}` : ''}`);
      },
    },
    {
      title: 'a Pool Lens notification provoked on purpose (Forget Pool Password) is seen by the same toast watcher and in the center',
      run: async () => {
        await runCommand(page, 'Pool Lens: Forget Pool Password');
        // Three pools: the command asks which one.
        const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'refused' }).first();
        await pick.waitFor();
        await pick.click();
        // "No password was saved for …": an information message, so a toast.
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'No password was saved for' });
        await toast.first().waitFor();
        await shoot('11-provoked-notification.png');
        const toasts = fromPoolLens(await toastsSeen(page));
        expect(toasts.length === 1 && toasts[0].includes('No password was saved for'), `the watcher should have recorded the one Pool Lens toast; it has: ${toasts.join(' | ') || 'nothing'}`);
        const center = fromPoolLens(await notificationCenter(page, 1));
        expect(center.length === 1 && center[0].includes('No password was saved for'), `the center should list the Pool Lens notification; it lists: ${center.join(' | ') || 'nothing'}`);
      },
    },
  ];

  try {
    await runSteps(page, report, SUITE, steps, 'failure-faults');
  } finally {
    await faults?.undo();
  }
}

/** Opens the Pool Lens side bar from its activity bar icon, unless it is showing already (a click would close it). */
async function openPoolsView(page: Page): Promise<void> {
  const title = page.locator('.sidebar .composite.title', { hasText: /pool lens/i });
  if (await title.isVisible()) return;
  await page.locator('.activitybar [aria-label="Pool Lens"]').first().click();
  await title.waitFor();
}

/** A row of the side bar's tree at `level` (1 = root) whose text contains `text`. */
function treeRow(page: Page, text: string, level: number) {
  return page.locator(`.sidebar .monaco-list-row[aria-level="${level}"]`, { hasText: text }).first();
}
