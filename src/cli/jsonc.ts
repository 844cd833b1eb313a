/**
 * Parses JSON with comments (`//`, `/* *\/`) and trailing commas, as VS Code's settings.json allows.
 * Strings are copied untouched, so `"http://x"` keeps its slashes. Throws SyntaxError like JSON.parse.
 */
export function parseJsonc(text: string): unknown {
  const source = text.replace(/^\uFEFF/, '');
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '"') {
      const start = i++;
      while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
      out += source.slice(start, ++i);
    } else if (c === '/' && (source[i + 1] === '/' || source[i + 1] === '*')) {
      const end = skipComment(source, i);
      // Blank the comment but keep its line breaks, so JSON.parse's positions stay right.
      out += source.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else if (c === ',' && isClosing(source[nextSignificant(source, i + 1)])) {
      out += ' ';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}

function skipComment(source: string, start: number): number {
  if (source[start + 1] === '/') {
    const end = source.indexOf('\n', start);
    return end < 0 ? source.length : end;
  }
  const end = source.indexOf('*/', start + 2);
  return end < 0 ? source.length : end + 2;
}

function nextSignificant(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    if (/\s/.test(source[i])) i++;
    else if (source[i] === '/' && (source[i + 1] === '/' || source[i + 1] === '*')) i = skipComment(source, i);
    else break;
  }
  return i;
}

function isClosing(c: string | undefined): boolean {
  return c === '}' || c === ']';
}
