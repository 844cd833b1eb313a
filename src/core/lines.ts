/** Offsets of the start of each line; lines end at \n, \r\n or \r. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** 0-based index of the line holding an offset. */
export function lineIndexOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** 1-based line and column of an offset. */
export function positionOf(starts: readonly number[], offset: number): { line: number; column: number } {
  const index = lineIndexOf(starts, offset);
  return { line: index + 1, column: offset - starts[index] + 1 };
}
