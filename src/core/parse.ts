import { parse as parseEstree, type TSESTree } from '@typescript-eslint/typescript-estree';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'] as const;

/** A file that does not parse. `line` and `column` are 1-based. */
export class ParseFailure extends Error {
  constructor(
    readonly fileName: string,
    readonly reason: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${fileName}:${line}:${column}: does not parse: ${reason}`);
    this.name = 'ParseFailure';
  }
}

export function isSourceFile(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return !/\.d\.[cm]?ts$/.test(lower) && SOURCE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** JSX is on for .tsx/.jsx and plain JS files, off for .ts/.mts/.cts, where `<T>x` is a type assertion. */
function jsxFor(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return !(lower.endsWith('.ts') || lower.endsWith('.mts') || lower.endsWith('.cts'));
}

/**
 * No comments: `scanComments` finds them when a file uses pg (typescript-estree's own comment pass
 * re-scans every token and made parsing much slower). `loc` stays on although nothing reads it:
 * typescript-estree always computes it, and turning it off costs an extra pass deleting it.
 */
function parseOnce(text: string, jsx: boolean): TSESTree.Program {
  return parseEstree(text, {
    range: true,
    loc: true,
    comment: false,
    tokens: false,
    jsx,
    loggerFn: false,
    suppressDeprecatedPropertyWarnings: true,
  });
}

/**
 * Parses TypeScript or JavaScript. A `.js` file that fails with JSX on is tried once more without it
 * (old Flow-free code with `a < b > c` style expressions), so only real syntax errors surface.
 */
export function parseSource(text: string, fileName: string): TSESTree.Program {
  return parseSourceDialect(text, fileName).ast;
}

/** `parseSource`, and whether the parse that succeeded had JSX on. */
export function parseSourceDialect(text: string, fileName: string): { ast: TSESTree.Program; jsx: boolean } {
  const jsx = jsxFor(fileName);
  const source = maskShebangAfterBom(text);
  try {
    return { ast: parseOnce(source, jsx), jsx };
  } catch (first) {
    if (jsx && !/\.(tsx|jsx)$/i.test(fileName) && !isStackOverflow(first)) {
      try {
        return { ast: parseOnce(source, false), jsx: false };
      } catch {
        // Report the first error: it is the one for the file's own dialect.
      }
    }
    throw toParseFailure(first, text, fileName);
  }
}

/**
 * Parses a piece of a file in the dialect the whole file parsed in, with the parser's own error
 * (or `RangeError`) on failure: the caller falls back to `parseSource` then.
 */
export function parseInDialect(text: string, jsx: boolean): TSESTree.Program {
  return parseOnce(text, jsx);
}

/**
 * Node strips a byte-order mark before it reads a shebang, but the parser only skips a shebang at
 * offset 0. Turning `#!` into `//` keeps every offset, so ranges still point into the original text.
 */
function maskShebangAfterBom(text: string): string {
  return text.startsWith('\uFEFF#!') ? `\uFEFF//${text.slice(3)}` : text;
}

/** The parser recurses once per nesting level; a few hundred nested blocks exhaust the stack. */
function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function toParseFailure(error: unknown, text: string, fileName: string): ParseFailure {
  if (isStackOverflow(error)) return new ParseFailure(fileName, 'nesting is too deep to analyse', 0, 1, 1);
  const detail = error as { message?: string; index?: number; lineNumber?: number; column?: number };
  const offset = typeof detail.index === 'number' ? Math.min(detail.index, text.length) : 0;
  const line = detail.lineNumber ?? 1;
  const column = typeof detail.column === 'number' ? detail.column + 1 : 1;
  const reason = (detail.message ?? String(error)).split('\n')[0];
  return new ParseFailure(fileName, reason, offset, line, column);
}
