import { chromium, type Browser, type Page } from 'playwright-core';
import { onCleanup } from '../cleanup';

/** Debian's Chromium; playwright-core brings no browser of its own. */
const CHROMIUM = process.env.POOL_LENS_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep a headless Chromium from reaching out to the network or prompting. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

/** Opens the workbench for `folder` in headless Chromium; the extension host starts only then. */
export async function openWorkbench(url: string, folder: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    // The launcher's own handlers stop everything in order; playwright's would exit the process
    // after closing the browser, leaving code-server and the temporary folders behind.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return { browser, page };
}
