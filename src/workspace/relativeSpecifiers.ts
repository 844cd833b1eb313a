/** A string literal (any quote) whose text starts with `.`: `'./db'`, `"../lib/pool"`, `` `./x` ``. */
const RELATIVE_LITERAL = /(['"`])(\.[^'"`\s\\]*)\1/g;

/**
 * Every relative module specifier a file may use, found without parsing: all string literals that
 * start with a dot. A superset of the imports, requires, dynamic imports and re-exports the analyzer
 * resolves (it only follows literal relative specifiers), so a module a summary depends on is never
 * missed; a dotted string that is not a specifier only costs a needless re-summary.
 */
export function relativeSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(RELATIVE_LITERAL)) found.push(match[2]);
  return found;
}
