import type { TextEdit } from './types';

/** Applies non-overlapping edits to a text. Throws when two edits overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let result = '';
  let cursor = 0;
  for (const edit of sorted) {
    const [start, end] = edit.range;
    if (start < cursor) throw new Error(`overlapping edits at offset ${start}`);
    if (start > end || end > text.length) throw new Error(`edit range [${start}, ${end}] is outside the text`);
    result += text.slice(cursor, start) + edit.text;
    cursor = end;
  }
  return result + text.slice(cursor);
}
