import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, PACKAGE_JSON_KEY, readProjectConfig, type ProjectConfig } from '../core/projectConfig';

/** A project config found on disk: the file it came from, what applies, and one sentence per entry that does not. */
export interface LoadedProjectConfig {
  file: string;
  config: ProjectConfig;
  problems: string[];
}

/** The config file exists but cannot be used at all: unreadable, or not JSON. Its message is one sentence. */
export class ProjectConfigError extends Error {
  override readonly name = 'ProjectConfigError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Finds the Pool Lens config that applies to files in a folder: the nearest `pool-lens.config.json` or
 * package.json with a `"poolLens"` key, in that folder or above it. In one folder the dedicated file wins
 * over package.json's key (and a sentence says the key is ignored). Results are cached per folder until
 * `clear()`. Rejects with `ProjectConfigError` when the nearest config file cannot be read or parsed.
 */
export class ProjectConfigLoader {
  private readonly cache = new Map<string, Promise<LoadedProjectConfig | undefined>>();

  /** `display` turns an absolute file name into the name sentences use (relative to the cwd, for the CLI). */
  constructor(private readonly display: (file: string) => string = (file) => file) {}

  forFolder(folder: string): Promise<LoadedProjectConfig | undefined> {
    const key = path.resolve(folder);
    let found = this.cache.get(key);
    if (!found) {
      found = this.find(key);
      this.cache.set(key, found);
    }
    return found;
  }

  forFile(file: string): Promise<LoadedProjectConfig | undefined> {
    return this.forFolder(path.dirname(path.resolve(file)));
  }

  clear(): void {
    this.cache.clear();
  }

  private async find(folder: string): Promise<LoadedProjectConfig | undefined> {
    const ownFile = path.join(folder, CONFIG_FILE_NAME);
    const ownText = await readIfPresent(ownFile, this.display);
    const manifestFile = path.join(folder, 'package.json');
    const manifest = await this.packageKey(manifestFile);
    if (ownText !== undefined) {
      const loaded = this.load(ownFile, parseJson(ownText, ownFile, this.display), this.display(ownFile));
      if (manifest !== undefined) {
        loaded.problems.push(`${this.display(manifestFile)}: the "${PACKAGE_JSON_KEY}" key is ignored because ${CONFIG_FILE_NAME} in the same folder takes precedence.`);
      }
      return loaded;
    }
    if (manifest !== undefined) return this.load(manifestFile, manifest, `${this.display(manifestFile)} ("${PACKAGE_JSON_KEY}")`);
    const parent = path.dirname(folder);
    return parent === folder ? undefined : this.forFolder(parent);
  }

  private load(file: string, value: unknown, source: string): LoadedProjectConfig {
    const { config, problems } = readProjectConfig(value, source);
    return { file, config, problems };
  }

  /**
   * package.json's `"poolLens"` value, or undefined when it has none. A package.json that is not JSON is
   * npm's problem, not Pool Lens's: it counts as having no key.
   */
  private async packageKey(file: string): Promise<unknown> {
    const text = await readIfPresent(file, this.display);
    if (text === undefined) return undefined;
    try {
      const manifest = JSON.parse(text) as unknown;
      return typeof manifest === 'object' && manifest !== null && Object.hasOwn(manifest, PACKAGE_JSON_KEY)
        ? (manifest as Record<string, unknown>)[PACKAGE_JSON_KEY]
        : undefined;
    } catch {
      return undefined;
    }
  }
}

async function readIfPresent(file: string, display: (file: string) => string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ProjectConfigError(file, `${display(file)}: cannot read the Pool Lens config: ${(error as Error).message}.`);
  }
}

function parseJson(text: string, file: string, display: (file: string) => string): unknown {
  try {
    // A byte-order mark is not JSON, but editors on Windows write one.
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new ProjectConfigError(file, `${display(file)}: not valid JSON (${(error as Error).message}); fix the file or delete it.`);
  }
}
