import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** The crowd's three domains as a developer would name them in `poolLens.pools`. */
export const CROWD_POOLS = [
  { name: 'blog', envPrefix: 'BLOG_DB_' },
  { name: 'market', envPrefix: 'MARKET_DB_' },
  { name: 'reports', envPrefix: 'REPORTS_DB_' },
] as const;

/**
 * A workspace for the soak: `.vscode/settings.json` names the three domain pools by env prefix and
 * `.env` holds the crowd server's host, port and passwords (passwords go into `.env` only, as the
 * README tells users). No source file is opened, so the extension host does nothing but the Pools view.
 */
export async function writeSoakWorkspace(parent: string, env: Record<string, string>): Promise<string> {
  const workspace = path.join(parent, 'crowd-app');
  await mkdir(path.join(workspace, '.vscode'), { recursive: true });
  await writeFile(path.join(workspace, 'package.json'), `${JSON.stringify({ name: 'crowd-app', private: true, dependencies: { pg: '^8.0.0' } }, null, 2)}\n`);
  await writeFile(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'poolLens.pools': CROWD_POOLS }, null, 2)}\n`);
  const lines = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  await writeFile(path.join(workspace, '.env'), `${lines.join('\n')}\n`);
  return workspace;
}
