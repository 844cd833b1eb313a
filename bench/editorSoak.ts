import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { DEFAULT_POLL_INTERVAL_MS } from '../src/pg/poller';
import { BIG_GROUP, Crowd, expectedGroups } from '../test/pg/crowd';
import { monitorConnectionCount } from '../test/pg/fixtures';
import { buildExtension, packageVsix } from '../test/runner/build';
import { cleanupAll, onCleanup } from '../test/runner/cleanup';
import { openWorkbench } from '../test/runner/codeServer/browser';
import { ensureCodeServer } from '../test/runner/codeServer/install';
import { USER_SETTINGS } from '../test/runner/codeServer/launcher';
import { startCodeServer } from '../test/runner/codeServer/server';
import { freeLoopbackPort } from '../test/runner/net';
import { PROJECT_ROOT } from '../test/runner/paths';
import { temporaryDir } from '../test/runner/tempDirs';
import { verifyExtensionHost, processMemory } from './editorSoak/hostProcess';
import { heapGrowth, heapSummary, type HeapGroup } from './editorSoak/heapSummary';
import { InspectorClient } from './editorSoak/inspector';
import { slope } from './editorSoak/trend';
import { writeSoakWorkspace } from './editorSoak/workspace';
import type { Figure } from './figure';
import { fixed, MB, table } from './stats';

/** `POOL_LENS_EDITOR_SOAK_MINUTES` (default 10, fractions allowed) and `POOL_LENS_EDITOR_SOAK_SESSIONS` (default 1000) shorten a trial run. */
const MINUTES = positive(process.env.POOL_LENS_EDITOR_SOAK_MINUTES, 10);
const SESSIONS = Math.round(positive(process.env.POOL_LENS_EDITOR_SOAK_SESSIONS, 1000));
const SAMPLE_EVERY_MS = 10_000;
/**
 * `POOL_LENS_EDITOR_SOAK_HEAP_DIFF=1` also takes a heap snapshot of the host after the minute-1 sample
 * and after the last one and lists the kinds of object that grew. Off by default: a snapshot makes V8
 * keep an id for every object from then on, which moves RSS, so the memory figures stay untouched.
 */
const HEAP_DIFF = process.env.POOL_LENS_EDITOR_SOAK_HEAP_DIFF === '1';
/** `POOL_LENS_EDITOR_SOAK_HEAP_DIR=<dir>` with the diff also saves both snapshots there (minute-1.heapsnapshot, end.heapsnapshot). */
const HEAP_DIR = process.env.POOL_LENS_EDITOR_SOAK_HEAP_DIR;
/** `POOL_LENS_EDITOR_SOAK_EXPAND=0` leaves the big group's bucket collapsed: refreshes without session lists. */
const EXPAND_BUCKET = process.env.POOL_LENS_EDITOR_SOAK_EXPAND !== '0';
const PROBE_EXTENSION_DIR = path.join(__dirname, 'editorSoak', 'probe');
const INSPECT_PORT_ENV = 'POOL_LENS_BENCH_INSPECT_PORT';
/** The host starts when the workbench opens; the probe opens the inspector once startup has finished. */
const HOST_START_TIMEOUT_MS = 180_000;
const FIRST_TREE_TIMEOUT_MS = 180_000;

interface Sample {
  /** Seconds since the soak started (the first refresh was already on screen). */
  seconds: number;
  /** /proc/<pid>/status VmRSS of the extension host. */
  rssMb: number;
  peakRssMb: number;
  /** process.memoryUsage() in the host, right after HeapProfiler.collectGarbage. */
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

interface Checkpoint extends Sample {
  minute: number;
  /** Refresh statements the server recorded from the monitor since the soak started. */
  refreshes: number;
  sessionLists: number;
  monitorConnections: number;
  loadAverage: number;
}

const log = (line: string): void => {
  process.stdout.write(`editor-soak: ${line}\n`);
};

/**
 * Editor soak: the memory of a real extension host while the Pools view refreshes against a server
 * holding `SESSIONS` client sessions. An embedded PostgreSQL (pg_stat_statements loaded) gets the
 * test crowd; code-server (the editor-test install in .cache) gets the packaged extension from a
 * fresh `npm run build` and a workspace whose `poolLens.pools` and `.env` point at that server;
 * headless Chromium opens the workbench and clicks the Pool Lens activity-bar icon, so the tree is
 * rendered and polls at the default interval, and expands the biggest group's `idle` bucket so its
 * sessions are fetched on every refresh too. Every 10 s the host's heap is read through its Node
 * inspector after a full collection, and its RSS from /proc; pg_stat_statements counts the refreshes.
 */
export const editorSoak: Figure = async () => {
  const stopOnSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping Chromium, code-server and PostgreSQL`);
    void cleanupAll().then(() => process.exit(130));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stopOnSignal);
  try {
    return await soak();
  } finally {
    await cleanupAll();
  }
};

async function soak(): ReturnType<Figure> {
  const install = await ensureCodeServer(log);
  log(`starting PostgreSQL and opening ${SESSIONS} client sessions`);
  const crowd = await Crowd.start(SESSIONS);
  onCleanup(() => crowd.stop());
  const grown = await crowd.grow(SESSIONS);
  log(`${grown.open} sessions open${grown.refusal ? ` (refused after that: ${grown.refusal})` : ''} on ${crowd.server.host}:${crowd.server.port}`);

  const stateDir = await temporaryDir('bench-editor-soak');
  await buildExtension();
  const extensionVsix = await packageVsix(PROJECT_ROOT, path.join(stateDir, 'pool-lens.vsix'));
  const probeVsix = await packageVsix(PROBE_EXTENSION_DIR, path.join(stateDir, 'pool-lens-bench-inspector.vsix'));
  const workspace = await writeSoakWorkspace(stateDir, crowd.env);
  const inspectPort = await freeLoopbackPort();
  const server = await startCodeServer({
    install,
    stateDir,
    extensions: [extensionVsix, probeVsix],
    userSettings: USER_SETTINGS,
    env: { [INSPECT_PORT_ENV]: String(inspectPort) },
    log,
  });
  const { page } = await openWorkbench(server.url, workspace);
  const inspector = await connectWhenOpen(inspectPort, HOST_START_TIMEOUT_MS);
  onCleanup(() => inspector.close());
  const hostPid = await inspector.evaluate<number>('process.pid');
  const host = await verifyExtensionHost(hostPid, stateDir);
  log(`extension host: pid ${hostPid} under code-server pid ${host.codeServerPid}: ${host.command.slice(0, 160)}`);

  const expanded = await showPoolsView(page, EXPAND_BUCKET);
  log(`Pools view shows ${BIG_GROUP}; its idle bucket ${expanded ? 'is expanded' : EXPAND_BUCKET ? 'could not be expanded (see above)' : 'stays collapsed (POOL_LENS_EDITOR_SOAK_EXPAND=0)'}`);

  const sample = async (started: number): Promise<Sample> => {
    await inspector.send('HeapProfiler.collectGarbage');
    const usage = await inspector.evaluate<NodeJS.MemoryUsage>('process.memoryUsage()');
    const proc = await processMemory(hostPid);
    return {
      seconds: (performance.now() - started) / 1000,
      rssMb: proc.rssKb / 1024,
      peakRssMb: proc.peakRssKb / 1024,
      heapUsedMb: usage.heapUsed / MB,
      heapTotalMb: usage.heapTotal / MB,
      externalMb: usage.external / MB,
    };
  };
  const count = async () => {
    const statements = await crowd.statementsFromOthers();
    const of = (what: string) => statements.filter((s) => s.what === what).reduce((sum, s) => sum + s.calls, 0);
    return { statements, refreshes: of('refresh'), sessionLists: of('session list') };
  };

  await crowd.resetStatements();
  const loadAtStart = os.loadavg();
  const started = performance.now();
  const samples: Sample[] = [];
  const checkpoints: Checkpoint[] = [];
  let heapAtMinuteOne: Map<string, HeapGroup> | undefined;
  let heapAtEnd: Map<string, HeapGroup> | undefined;
  const checkpoint = async (minute: number, at: Sample): Promise<void> => {
    const counted = await count();
    const point: Checkpoint = { ...at, minute, ...counted, monitorConnections: await monitorConnectionCount(crowd.server), loadAverage: os.loadavg()[0] };
    checkpoints.push(point);
    log(
      `minute ${fixed(minute, minute % 1 === 0 ? 0 : 1)}: heap ${fixed(point.heapUsedMb, 2)} MB, RSS ${fixed(point.rssMb)} MB, ` +
        `${point.refreshes} refreshes, ${point.sessionLists} session lists, monitor connections ${point.monitorConnections}, load ${fixed(point.loadAverage, 2)}`,
    );
  };
  await checkpoint(0, await sample(started));
  const totalSamples = Math.round((MINUTES * 60_000) / SAMPLE_EVERY_MS);
  const perMinute = 60_000 / SAMPLE_EVERY_MS;
  for (let i = 1; i <= totalSamples; i++) {
    // Sampled on a fixed schedule from the start, so a slow sample does not shift the rest.
    await sleep(started + i * SAMPLE_EVERY_MS - performance.now());
    const taken = await sample(started);
    samples.push(taken);
    if (i % perMinute === 0 || i === totalSamples) await checkpoint(i / perMinute, taken);
    if (HEAP_DIFF && (i === perMinute || i === totalSamples) && totalSamples > perMinute) {
      const summary = await heapSummary(inspector, HEAP_DIR ? path.join(HEAP_DIR, i === perMinute ? 'minute-1.heapsnapshot' : 'end.heapsnapshot') : undefined);
      if (i === perMinute) heapAtMinuteOne = summary;
      else heapAtEnd = summary;
      log(`heap snapshot summarised after the sample of minute ${fixed(i / perMinute, 1)}`);
    }
  }
  const final = await count();
  const grew = heapAtMinuteOne && heapAtEnd ? heapGrowth(heapAtMinuteOne, heapAtEnd, 15) : undefined;
  const loadAtEnd = os.loadavg();

  const first = checkpoints.find((c) => c.minute >= 1) ?? checkpoints[0];
  const last = checkpoints[checkpoints.length - 1];
  const afterMinuteOne = samples.filter((s) => s.seconds >= 59);
  const heapSlope = slope(afterMinuteOne.map((s) => ({ x: s.seconds / 60, y: s.heapUsedMb })));
  const rssSlope = slope(afterMinuteOne.map((s) => ({ x: s.seconds / 60, y: s.rssMb })));
  const expectedRefreshes = (MINUTES * 60_000) / DEFAULT_POLL_INTERVAL_MS;
  const rows = checkpoints.map((c) => [
    c.minute === 0 ? 'start (view showing, first refresh done)' : `minute ${fixed(c.minute, c.minute % 1 === 0 ? 0 : 1)}`,
    c.refreshes.toLocaleString('en'),
    c.sessionLists.toLocaleString('en'),
    fixed(c.heapUsedMb, 2),
    fixed(c.heapTotalMb, 1),
    fixed(c.externalMb, 1),
    fixed(c.rssMb, 1),
    String(c.monitorConnections),
    fixed(c.loadAverage, 2),
  ]);
  rows.push([
    'change from minute 1 to the end',
    '',
    '',
    signed(last.heapUsedMb - first.heapUsedMb, 2),
    signed(last.heapTotalMb - first.heapTotalMb, 1),
    signed(last.externalMb - first.externalMb, 1),
    signed(last.rssMb - first.rssMb, 1),
    '',
    '',
  ]);
  const markdown = [
    `${grown.open.toLocaleString('en')} client sessions${grown.refusal ? ` (asked for ${SESSIONS}; refused after that: ${grown.refusal})` : ''} on one embedded PostgreSQL`,
    `(max_connections = ${SESSIONS + 20}) in three domain databases under ${expectedGroups(grown.open).size} application names, as in the soak figure.`,
    `code-server ${install.codeServerVersion} ran the extension installed from the .vsix of a fresh \`npm run build\`, with a workspace`,
    'whose `poolLens.pools` (blog, market, reports by env prefix) and `.env` pointed at that server. Headless Chromium opened',
    `the workbench and clicked the Pool Lens icon, so the Pools view was visible and refreshed at the default ${DEFAULT_POLL_INTERVAL_MS} ms for`,
    `${minutes(MINUTES)}; the \`${BIG_GROUP}\` group's \`idle\` bucket was ${expanded ? 'expanded, so its first page of sessions was fetched with each refresh' : EXPAND_BUCKET ? '**not** expanded (the click failed), so no session list was fetched' : 'left collapsed (`POOL_LENS_EDITOR_SOAK_EXPAND=0`), so no session list was fetched'}.`,
    '',
    `Memory is the extension host's own process (pid found through its inspector and checked in /proc to be code-server's`,
    '`extensionHost` child): JS heap from `process.memoryUsage()` evaluated through the host\'s Node inspector right after',
    '`HeapProfiler.collectGarbage`, RSS from `/proc/<pid>/status` (VmRSS), every 10 s. code-server rejects VS Code\'s',
    '`--inspect-extensions` ("Unknown option") and the host drops NODE_OPTIONS, so a benchmark-only extension',
    '(bench/editorSoak/probe) opens the inspector on a loopback port from inside the host; it does nothing else. The host',
    'also runs VS Code\'s built-in extensions, so these are whole-host figures, not Pool Lens alone.',
    '',
    `Slope by least squares over the ${afterMinuteOne.length} samples from minute 1 on: heap ${signed(heapSlope, 3)} MB/min, RSS ${signed(rssSlope, 2)} MB/min.`,
    `Refreshes the server recorded from the monitor (pg_stat_statements): ${final.refreshes.toLocaleString('en')} in ${minutes(MINUTES)}`,
    `(${fixed(expectedRefreshes, 0)} at one per ${DEFAULT_POLL_INTERVAL_MS} ms); session lists: ${final.sessionLists.toLocaleString('en')}; all statements by kind:`,
    `${final.statements.map((s) => `${s.calls} × ${s.what}`).join(', ') || 'none'}. Load average (1 min) ${loadAtStart.map((n) => fixed(n, 2)).join(', ')} at the start,`,
    `${loadAtEnd.map((n) => fixed(n, 2)).join(', ')} at the end (shared 2-core machine).`,
    '',
    table(['checkpoint', 'refreshes', 'session lists', 'heap used MB', 'heap total MB', 'external MB', 'RSS MB', 'monitor connections', 'load (1 min)'], rows),
    ...(grew
      ? [
          '',
          'What the heap held more of at the end than at minute 1 (`POOL_LENS_EDITOR_SOAK_HEAP_DIFF=1`: a heap snapshot after each of those',
          'samples, objects and closures by constructor or function name, the rest by V8 node type; own bytes only):',
          '',
          table(['kind', 'more objects', 'more own KB'], grew.map((g) => [`\`${g.kind.replace(/`/g, "'").slice(0, 80)}\``, g.count.toLocaleString('en'), fixed(g.bytes / 1024, 1)])),
        ]
      : []),
  ].join('\n');
  return {
    title: `Editor soak: ${minutes(MINUTES)} of Pools view refreshes in a real extension host against ${grown.open.toLocaleString('en')} sessions`,
    markdown,
    data: { grown, hostCommand: host.command, expanded, heapSlopeMbPerMin: heapSlope, rssSlopeMbPerMin: rssSlope, statements: final.statements, heapGrowth: grew, loadAtStart, loadAtEnd, checkpoints, samples },
  };
}

/** Waits for the probe extension to open the host's inspector, then connects. */
async function connectWhenOpen(port: number, timeoutMs: number): Promise<InspectorClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await InspectorClient.connect(port);
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`the extension host's inspector did not open on port ${port} within ${timeoutMs / 1000} s: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(1_000);
    }
  }
}

/**
 * Clicks the Pool Lens activity-bar icon, waits until the view lists the biggest group (the first
 * refresh is on screen), and unless told not to, expands that group's `idle` bucket. Returns whether the
 * bucket's session rows appeared; a failed expansion is logged and the soak goes on without it.
 */
async function showPoolsView(page: Page, expand: boolean): Promise<boolean> {
  await page.locator('.activitybar .action-label[aria-label^="Pool Lens"]').click();
  await page.mouse.move(900, 700);
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Pools' }) });
  const rows = view.locator('.monaco-list-row');
  await rows.filter({ hasText: BIG_GROUP }).first().waitFor({ timeout: FIRST_TREE_TIMEOUT_MS });
  if (!expand) return false;
  try {
    const texts = await rows.allInnerTexts();
    const group = texts.findIndex((text) => text.includes(BIG_GROUP));
    // A bucket row reads its label and count run together, e.g. `idle300`, `idle in transaction50`.
    const bucket = texts.findIndex((text, i) => i > group && /^idle(?! in)/.test(text.trim()));
    if (bucket < 0) throw new Error(`no idle bucket under ${BIG_GROUP}; rows: ${texts.map((t) => t.replace(/\s+/g, ' ')).join(' | ')}`);
    await rows.nth(bucket).click();
    await rows.filter({ hasText: /pid \d+/ }).first().waitFor({ timeout: 60_000 });
    // Away from the rows, so no hover tooltip stays open for ten minutes.
    await page.mouse.move(900, 700);
    return true;
  } catch (error) {
    log(`could not expand the ${BIG_GROUP} idle bucket: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

function minutes(count: number): string {
  return `${count} minute${count === 1 ? '' : 's'}`;
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? '+' : ''}${fixed(value, digits)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
