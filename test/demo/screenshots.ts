import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { cleanupAll } from '../runner/cleanup';
import { openWorkbench } from '../runner/codeServer/browser';
import { OUTPUT_DIR } from '../runner/paths';
import { DEMO_DOMAINS } from './domains';

/**
 * Looks at a running demo as a person would, in headless Chromium, and saves screenshots to
 * test-output/demo/: the Pools view (all domains under one server, the two leaks called out), the
 * leaked-client squiggle in the route, and the Inspect Pools report. Fails with what it saw when
 * something is missing.
 *
 *   npm start                                        # prints the URL
 *   node --import tsx test/demo/screenshots.ts '<the URL npm start printed>'
 */
const OUT = path.join(OUTPUT_DIR, 'demo');
const TIMEOUT_MS = 60_000;

async function main(): Promise<void> {
  const printed = process.argv[2];
  if (!printed) throw new Error('Give the URL that `npm start` printed, e.g. http://127.0.0.1:PORT/?folder=/tmp/…/demo-workspace');
  const url = new URL(printed);
  const folder = url.searchParams.get('folder');
  if (!folder) throw new Error(`${printed} names no folder (?folder=…).`);
  await mkdir(OUT, { recursive: true });
  const { page } = await openWorkbench(url.origin, folder);
  page.setDefaultTimeout(TIMEOUT_MS);
  try {
    await lookAround(page);
  } catch (error) {
    await page.screenshot({ path: path.join(OUT, 'failure.png') }).catch(() => undefined);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n(screenshot: ${path.join(OUT, 'failure.png')})`);
  }
}

async function lookAround(page: Page): Promise<void> {
  const shoot = (name: string) => page.screenshot({ path: path.join(OUT, name) });

  await makeRoom(page);
  await page.locator('.activitybar .action-label[aria-label^="Pool Lens"]').click();
  // Away from the activity bar, whose own tooltip would otherwise cover the first row's.
  await page.mouse.move(900, 700);
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Pools' }) });
  const rows = view.locator('.monaco-list-row');
  for (const domain of DEMO_DOMAINS) await rows.filter({ hasText: domain.applicationName }).first().waitFor();
  // Wait for both call-outs: a pool row turns into a warning once a leak is old enough.
  await waitUntil(page, async () => (await view.locator('.monaco-list-row .codicon-warning').count()) >= 2, 'two pools called out', TIMEOUT_MS);
  const server = rows.first();
  say(`server row: ${oneLine(await server.innerText())}`);
  for (const domain of DEMO_DOMAINS) say(`pool row: ${oneLine(await rows.filter({ hasText: domain.applicationName }).first().innerText())}`);
  await shoot('01-pools-tree.png');

  await hoverTooltip(page, rows.filter({ hasText: 'blog-api' }).first(), '02-blog-leak-tooltip.png', shoot, "application_name 'blog-api'");
  await hoverTooltip(page, rows.filter({ hasText: 'market-api' }).first(), '03-market-idle-in-transaction-tooltip.png', shoot, "application_name 'market-api'");

  // Expand the market pool's "idle in transaction" bucket to show the session itself.
  await rows.filter({ hasText: 'idle in transaction' }).first().click();
  await rows.filter({ hasText: /pid \d+/ }).first().waitFor();
  say(`session row: ${oneLine(await rows.filter({ hasText: /pid \d+/ }).first().innerText())}`);
  await shoot('04-idle-in-transaction-session.png');

  await openFile(page, 'posts.ts');
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.locator('.squiggly-warning, .squiggly-error, .squiggly-info').first().waitFor();
  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel .monaco-list-row');
  await problems.filter({ hasText: 'leaked-client' }).first().waitFor();
  say(`problems: ${(await problems.allInnerTexts()).map(oneLine).join(' | ')}`);
  await shoot('05-posts-squiggle.png');

  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill('>Pool Lens: Inspect Pools');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Inspect Pools' }).first().click();
  await page.locator('.tab.active', { hasText: 'Inspect Pools' }).waitFor();
  await page.waitForTimeout(1_500);
  say(`report: ${oneLine(await page.locator('.editor-group-container.active .view-lines').first().innerText()).slice(0, 600)}`);
  await shoot('06-inspect-pools.png');
  say(`screenshots in ${OUT}`);
}

/** A wider side bar, so the pool rows show their whole description, and no empty secondary side bar. */
async function makeRoom(page: Page): Promise<void> {
  if (await page.locator('.part.auxiliarybar').isVisible()) await page.keyboard.press('Control+Alt+B');
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (!sidebar) return;
  const edge = sidebar.x + sidebar.width + 1;
  await page.mouse.move(edge, 400);
  await page.mouse.down();
  await page.mouse.move(edge + 260, 400, { steps: 10 });
  await page.mouse.up();
}

async function hoverTooltip(page: Page, row: Locator, name: string, shoot: (name: string) => Promise<unknown>, expected: string): Promise<void> {
  const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: expected }).last();
  // The view refreshes every 2 s and a refresh can take the tooltip away before it shows: hover again.
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(900, 700);
    await row.hover();
    try {
      await hover.waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt === 6) throw error;
    }
  }
  say(`tooltip: ${oneLine(await hover.innerText())}`);
  await shoot(name);
  await page.mouse.move(700, 850);
  await page.keyboard.press('Escape');
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
}

async function waitUntil(page: Page, check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await page.waitForTimeout(500);
  }
  throw new Error(`gave up waiting for ${what}`);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function say(line: string): void {
  console.log(`[demo-screenshots] ${line}`);
}

main().then(
  () => cleanupAll().then(() => process.exit(0)),
  async (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    await cleanupAll();
    process.exit(1);
  },
);
