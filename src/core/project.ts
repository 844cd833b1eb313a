/**
 * Facts about the rest of the project that one file's analysis needs: which modules export pools and
 * which files run as scripts. Built by the workspace layer (CLI or editor index); pure data here.
 * Paths are module keys: forward slashes, no extension, no trailing `/index`.
 */
export interface ProjectFacts {
  /** Module key → names of the pools it exports (`default` for a default export or `module.exports = pool`). */
  poolExports: ReadonlyMap<string, ReadonlySet<string>>;
  /** Module keys of files that package.json runs as scripts (`bin` or `scripts`). */
  scriptFiles: ReadonlySet<string>;
  /** True when every module of the project was read, so a relative import missing from `poolExports` is known to hold no pool. */
  complete: boolean;
  /**
   * Module key → export name → module keys of the modules that give that exported pool an `error`
   * listener, or hand it to code that may (a helper function that receives the pool). Keyed by the
   * module that declares the pool and, along re-export chains, by every module that passes it on.
   * Absent when the listeners were not gathered: then no exported pool is known to lack one.
   */
  poolErrorListeners?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /** Some module listens to a pool imported through a specifier the index cannot resolve (a path alias), so any exported pool may be the one. */
  unresolvedErrorListeners?: boolean;
}

const SOURCE_EXTENSION = /\.(?:d\.)?(?:[cm]?[jt]sx?)$/;

/** A file name or path as a module key. */
export function moduleKey(fileName: string): string {
  const normalised = normalisePath(fileName.replace(/\\/g, '/')).replace(SOURCE_EXTENSION, '');
  return normalised.endsWith('/index') ? normalised.slice(0, -'/index'.length) : normalised;
}

/** The module key a relative import specifier points at, or undefined for a package import. */
export function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const from = fromFile.replace(/\\/g, '/');
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '.';
  return moduleKey(`${dir}/${specifier}`);
}

function normalisePath(path: string): string {
  const absolute = path.startsWith('/');
  const drive = /^[A-Za-z]:\//.exec(path)?.[0] ?? '';
  const parts: string[] = [];
  for (const part of path.slice(drive.length).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return (drive || (absolute ? '/' : '')) + parts.join('/');
}
