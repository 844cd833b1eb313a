/**
 * A small `.env` reader: `KEY=VALUE` lines, an optional `export ` prefix, `#` comments, single quotes
 * (taken literally), double quotes (with `\n`, `\r`, `\t`, `\"` and `\\` escapes, and spanning lines) and
 * backticks. No variable expansion: a value is what the file says, so nothing from the machine leaks in.
 */

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export interface EnvFileResult {
  values: Map<string, string>;
  /** 1-based line numbers of lines that are neither blank, comments nor `KEY=VALUE`. */
  badLines: number[];
}

export function parseEnvFile(text: string): EnvFileResult {
  const values = new Map<string, string>();
  const badLines: number[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const body = line.startsWith('export ') ? line.slice('export '.length).trimStart() : line;
    const equals = body.indexOf('=');
    const key = equals < 0 ? '' : body.slice(0, equals).trim();
    if (!KEY.test(key)) {
      badLines.push(i + 1);
      continue;
    }
    let rest = body.slice(equals + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      // A quoted value may continue on the next lines until its closing quote.
      let closing = findClosingQuote(rest, quote);
      const startLine = i;
      while (closing < 0 && i + 1 < lines.length) {
        i++;
        rest += '\n' + lines[i];
        closing = findClosingQuote(rest, quote);
      }
      if (closing < 0) {
        badLines.push(startLine + 1);
        continue;
      }
      const inner = rest.slice(1, closing);
      values.set(key, quote === '"' ? unescapeDoubleQuoted(inner) : inner);
    } else {
      // An unquoted value ends at ` #` (an inline comment); a `#` inside a word stays.
      const comment = rest.search(/\s#/);
      values.set(key, (comment < 0 ? rest : rest.slice(0, comment)).trim());
    }
  }
  return { values, badLines };
}

function findClosingQuote(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

function unescapeDoubleQuoted(value: string): string {
  return value.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c] ?? c);
}
