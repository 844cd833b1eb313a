import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { readCompanions, type CheckoutRecord, type CompanionAnswer } from '../../src/workspace/companions';
import { freeLoopbackPort } from '../runner/net';
import { PROJECT_ROOT } from '../runner/paths';
import type { DemoConnection } from './domains';
import { envFile } from './workspace';

/** The companion the demo app is run with: the shipped bundle after `npm run build`, or its source under tsx. */
export const BUILT_REGISTER = path.join(PROJECT_ROOT, 'dist', 'register.js');
export const SOURCE_REGISTER = path.join(PROJECT_ROOT, 'src', 'runtime', 'register.ts');

/** The demo app with its stuck checkout, as its runtime companion reports it. */
export interface RunningDemoApp {
  pid: number;
  companion: CompanionAnswer;
  /** The client `src/routes/posts.ts` took and never released. */
  checkout: CheckoutRecord;
  stop(): Promise<void>;
}

const READY_ATTEMPTS = 200;
const PAUSE_MS = 100;

/**
 * Starts test/demo/app.ts in `workspace` (the demo workspace copy, which gets the companion's
 * `.pool-lens/` endpoint file) with `node --require <register>`, the way a developer runs an app with
 * Pool Lens's companion, and waits until the companion serves the leaked checkout.
 */
export async function startDemoApp(workspace: string, connection: DemoConnection, register: string, log: (line: string) => void): Promise<RunningDemoApp> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_PATH: path.join(PROJECT_ROOT, 'node_modules'), PORT: String(await freeLoopbackPort()) };
  for (const line of envFile(connection).split('\n')) {
    const match = /^([A-Z]+_DB_[A-Z]+)=(.*)$/.exec(line);
    if (match) env[match[1]] = match[2];
  }
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '--require', register, path.join(__dirname, 'app.ts'), workspace], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().trim().split('\n')) if (line) log(`demo app: ${line}`);
  });
  const stop = () => stopChild(child);
  try {
    for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
      if (child.exitCode !== null) throw new Error(`the demo app exited (${child.exitCode}): ${output.trim()}`);
      const found = await leakedCheckout(workspace, child.pid!);
      if (found) return { pid: child.pid!, ...found, stop };
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    throw new Error(`the demo app's companion never reported its checkout: ${output.trim()}`);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function leakedCheckout(workspace: string, pid: number): Promise<{ companion: CompanionAnswer; checkout: CheckoutRecord } | undefined> {
  const reading = (await readCompanions(workspace)).find((r): r is CompanionAnswer => r.ok && r.endpoint.pid === pid);
  const checkout = reading?.snapshot.pools.flatMap((pool) => pool.checkouts).find((c) => c.backendPid !== undefined);
  return reading && checkout ? { companion: reading, checkout } : undefined;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
}
