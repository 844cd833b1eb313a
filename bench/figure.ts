/** What one benchmark figure hands back: Markdown for RESULTS.md and the raw numbers behind it. */
export interface FigureResult {
  title: string;
  /** Markdown body: inputs, a table of medians, ratios and targets, caveats. */
  markdown: string;
  data: unknown;
}

export interface FigureOptions {
  /** A checkout of the code before the performance fixes, measured side by side when given. */
  beforeDir?: string;
}

export type Figure = (options: FigureOptions) => Promise<FigureResult>;

/** Target check for the tables: a figure is printed, never asserted. */
export function verdict(met: boolean): string {
  return met ? 'met' : '**missed**';
}
