/** Wording shared by the tree, the report and the sizing view. No `vscode` here: plain mocha tests it. */

/** A duration for people: `850 ms`, `42 s`, `3 min 5 s`, `2 h 14 min`. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/**
 * A duration in a row of the live Pools view: seconds under a minute, then whole minutes (`12 min`), then
 * hours and minutes. A row past its first minute changes at most once a minute, so a refresh every
 * few seconds leaves it alone instead of making VS Code rebuild it for a ticking second; the report and
 * messages keep `formatAge`'s seconds.
 */
export function formatLiveAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 60_000) return formatAge(ms);
  return formatAge(ms - (ms % 60_000));
}

/** `part` as a whole percentage of `whole`; `<1%` rather than a misleading `0%` for a few sessions. */
export function formatShare(part: number, whole: number): string {
  if (whole <= 0) return '—';
  const percent = (part / whole) * 100;
  if (part > 0 && percent < 1) return '<1%';
  return `${Math.round(percent)}%`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Text inside a Markdown code fence, safe even when the text itself contains backticks. */
export function codeBlock(text: string, language = 'sql'): string {
  const longestRun = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/**
 * Escapes the Markdown that text from a server or a user (names, error sentences) could trigger:
 * emphasis, code, links, HTML and table pipes. Parentheses and the like stay as they are, so the raw
 * report remains readable.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (char) => `\\${char}`);
}
