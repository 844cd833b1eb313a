import { fileURLToPath } from 'node:url';

/**
 * How many frames a checkout keeps: pg-pool's `query` (when the checkout is pool.query's), the app's line and
 * two of its callers. Each frame adds to the cost of every `connect()` (bench/companion.ts measured 12 frames
 * against 4), and the protocol's limit of 12 is a maximum.
 */
export const STACK_FRAMES = 4;

/**
 * A stack captured at `connect()`. V8 records the frames when the trace is captured and formats the text only
 * when `stack` is first read, so holding this object costs a checkout little; the text is made when a
 * reader asks for a snapshot.
 */
export interface CapturedStack {
  stack?: unknown;
}

/** Where a checkout was taken: the first frame outside pg, pg-pool and the companion, and the frames kept. */
export interface AcquisitionSite {
  file?: string;
  line?: number;
  column?: number;
  stack: string[];
}

/**
 * Captures the caller's stack, leaving out `above` and every frame above it (the companion's own wrapper).
 * The frame limit is set for the capture only: an app that raised it to Infinity would otherwise pay for
 * hundreds of frames per checkout, one that lowered it would leave us none. An `Error` whose limit cannot
 * be set (a frozen intrinsic) is captured as it is.
 */
export function captureStack(above: Function): CapturedStack {
  const holder: CapturedStack = {};
  const limit = Error.stackTraceLimit;
  if (limit === STACK_FRAMES) {
    Error.captureStackTrace(holder, above);
    return holder;
  }
  try {
    Error.stackTraceLimit = STACK_FRAMES;
  } catch {
    Error.captureStackTrace(holder, above);
    return holder;
  }
  try {
    Error.captureStackTrace(holder, above);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return holder;
}

/** Frames of node-postgres itself (any install layout: npm, pnpm's .pnpm store, Windows separators). */
const PG_FRAME = /[\\/]node_modules[\\/](?:pg|pg-pool|pg-cursor|pg-query-stream)[\\/]/;

/** `at fn (location)` or `at location`; the location ends in `:line:column`. */
const FRAME_LOCATION = /^at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/**
 * Formats a captured stack and finds the acquisition line in it. `ownFiles` are the companion's files, whose
 * frames never count as the app's. Frames of Node itself (`node:`), of eval'd code and of native functions
 * have no file of the app and are skipped too.
 */
export function siteOf(captured: CapturedStack, ownFiles: ReadonlySet<string>): AcquisitionSite {
  // An app's Error.prepareStackTrace may return anything; only text can be read.
  const text = captured.stack;
  if (typeof text !== 'string') return { stack: [] };
  const stack = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, STACK_FRAMES);
  for (const frame of stack) {
    const location = locationOf(frame);
    if (location && !PG_FRAME.test(location.file) && !ownFiles.has(location.file)) return { ...location, stack };
  }
  return { stack };
}

function locationOf(frame: string): { file: string; line: number; column: number } | undefined {
  const match = FRAME_LOCATION.exec(frame);
  if (!match) return undefined;
  const [, where, line, column] = match;
  // "at eval (eval at f (/app/x.js:1:2), <anonymous>:1:1)": the code has no file.
  if (where.includes('<anonymous>') || where.startsWith('eval at ')) return undefined;
  const file = absoluteFile(where);
  return file === undefined ? undefined : { file, line: Number(line), column: Number(column) };
}

/** An absolute path, or undefined for locations that are not files (`node:fs`, `native`, relative names). */
function absoluteFile(where: string): string | undefined {
  if (where.startsWith('file://')) {
    try {
      return fileURLToPath(where);
    } catch {
      return undefined;
    }
  }
  if (where.startsWith('/') || /^[A-Za-z]:[\\/]/.test(where) || where.startsWith('\\\\')) return where;
  return undefined;
}
