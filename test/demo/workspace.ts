import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../runner/paths';
import { copyWorkspace, temporaryDir } from '../runner/tempDirs';
import { DEMO_DOMAINS, type DemoConnection } from './domains';

export const DEMO_FIXTURE = path.join(PROJECT_ROOT, 'test', 'fixtures', 'demo-workspace');

/**
 * Settings the demo workspace gets besides its pools. Open transactions are called out after 10 s
 * instead of a minute, and checkouts held by the demo app after 5 s, so the planted ones show within
 * the first look.
 */
const DEMO_SETTINGS = {
  'poolLens.idleInTransactionWarnMs': 10_000,
  'poolLens.checkoutWarnMs': 5_000,
};

/**
 * Copies the demo workspace into a temporary folder (removed when the demo stops) and writes what a
 * developer would have there: a `.env` with this run's server and passwords, and `.vscode/settings.json`
 * naming the domain pools by their env prefix. Passwords go into `.env` only, never into settings.
 */
export async function prepareWorkspace(connection: DemoConnection): Promise<string> {
  const workspace = await copyWorkspace(DEMO_FIXTURE, await temporaryDir('demo-workspace'));
  await writeFile(path.join(workspace, '.env'), envFile(connection));
  await mkdir(path.join(workspace, '.vscode'), { recursive: true });
  const settings = {
    'poolLens.pools': DEMO_DOMAINS.map((domain) => ({ name: domain.name, envPrefix: domain.envPrefix })),
    ...DEMO_SETTINGS,
  };
  await writeFile(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return workspace;
}

export function envFile(connection: DemoConnection): string {
  const lines = ['# Written by `npm start` for this run of the Pool Lens demo; removed when the demo stops.'];
  for (const domain of DEMO_DOMAINS) {
    lines.push(
      `${domain.envPrefix}HOST=${connection.host}`,
      `${domain.envPrefix}PORT=${connection.port}`,
      `${domain.envPrefix}NAME=${domain.database}`,
      `${domain.envPrefix}USER=${domain.role}`,
      `${domain.envPrefix}PASSWORD=${connection.passwords.get(domain.name) ?? ''}`,
      `${domain.envPrefix}SSLMODE=disable`,
    );
  }
  return `${lines.join('\n')}\n`;
}
