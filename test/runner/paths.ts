import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project checkout (two folders above this file). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Downloads and installs that outlive one run (code-server, its Node). Gitignored; `POOL_LENS_CACHE` moves it. */
export const CACHE_DIR = path.resolve(process.env.POOL_LENS_CACHE ?? path.join(PROJECT_ROOT, '.cache'));

/** Screenshots and logs a person may want to look at after a run. Gitignored. */
export const OUTPUT_DIR = path.join(PROJECT_ROOT, 'test-output');

/** Build output of the editor suites and the host-side runner (gitignored `out/`). */
export const BUILD_DIR = path.join(PROJECT_ROOT, 'out', 'editor-tests');

export const FIXTURE_WORKSPACE = path.join(PROJECT_ROOT, 'test', 'fixtures', 'editor-workspace');
export const RUNNER_EXTENSION_DIR = path.join(PROJECT_ROOT, 'test', 'editor', 'runner-extension');
