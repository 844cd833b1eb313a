import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseJsonc } from './jsonc';

/** `poolLens.*` settings read from a settings.json-style file, flat (`"poolLens.pools"`) or nested (`"poolLens": { "pools" }`). */
export class PoolLensSettings {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  get(key: string): unknown {
    if (Object.hasOwn(this.values, `poolLens.${key}`)) return this.values[`poolLens.${key}`];
    const nested = this.values.poolLens;
    if (nested && typeof nested === 'object' && Object.hasOwn(nested, key)) return (nested as Record<string, unknown>)[key];
    return undefined;
  }

  /** A list of strings, or the default when the setting is absent or has the wrong shape. */
  stringList(key: string, fallback: readonly string[]): readonly string[] {
    const value = this.get(key);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fallback;
  }

  /** A whole number ≥ min, or undefined. */
  count(key: string, min = 0): number | undefined {
    const value = this.get(key);
    return typeof value === 'number' && Number.isInteger(value) && value >= min ? value : undefined;
  }
}

/** A settings file that cannot be read or parsed; the message is one sentence. */
export class SettingsFileError extends Error {
  override readonly name = 'SettingsFileError';
}

/**
 * Reads a settings file. `required` files (given with --config) must exist; the default
 * `.vscode/settings.json` may be missing, which means "no settings".
 */
export async function readSettingsFile(file: string, required: boolean): Promise<PoolLensSettings> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!required && code === 'ENOENT') return new PoolLensSettings({});
    throw new SettingsFileError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : ((error as Error).message ?? code)}.`);
  }
  let parsed: unknown;
  try {
    parsed = parseJsonc(text);
  } catch (error) {
    throw new SettingsFileError(`${path.basename(file)} is not valid JSON: ${(error as Error).message}.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SettingsFileError(`${path.basename(file)} must hold a JSON object of settings.`);
  }
  return new PoolLensSettings(parsed as Record<string, unknown>);
}
