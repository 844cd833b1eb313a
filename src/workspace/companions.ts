import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import {
  COMPANION_FILE_PATTERN,
  COMPANION_FOLDER,
  COMPANION_PROTOCOL_VERSION,
  COMPANION_SNAPSHOT_PATH,
  isProcessRunning,
  type AppPoolSnapshot,
  type CheckoutRecord,
  type CompanionEndpoint,
  type CompanionSnapshot,
} from '../runtime/protocol';

export type { AppPoolSnapshot, CheckoutRecord, CompanionEndpoint, CompanionSnapshot } from '../runtime/protocol';

/**
 * The reading side of the runtime companion (`src/runtime/protocol.ts`): finds the endpoint files a
 * running app left in `<folder>/.pool-lens/`, asks each companion for its pools, and returns per
 * companion either its snapshot or one sentence saying why there is none. Read-only: it never removes
 * a file (the companion owns them) and never sends anything but the one GET with the token.
 */

/** A companion that answered: its endpoint and what its pools look like now. */
export interface CompanionAnswer {
  ok: true;
  /** The endpoint file, absolute. */
  file: string;
  endpoint: CompanionEndpoint;
  snapshot: CompanionSnapshot;
}

/** A companion whose file or answer could not be used, with the reason as one sentence. */
export interface CompanionFailure {
  ok: false;
  file: string;
  /** From the file name (`companion-<pid>.json`). */
  pid: number;
  problem: string;
}

export type CompanionReading = CompanionAnswer | CompanionFailure;

export interface ReadCompanionsOptions {
  /** How long to wait for one companion's answer; default {@link DEFAULT_COMPANION_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Whether a process still runs; default `process.kill(pid, 0)`. Files of gone processes are skipped. */
  isAlive?: (pid: number) => boolean;
}

/** A companion answers from memory; one that takes longer is stuck or is not a companion. */
export const DEFAULT_COMPANION_TIMEOUT_MS = 1500;
/** A snapshot holds at most 50 checkouts per pool with 12 short frames each: far below this. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** Reads every companion of a workspace folder, in pid order. No `.pool-lens` folder: no companions. */
export async function readCompanions(folder: string, options: ReadCompanionsOptions = {}): Promise<CompanionReading[]> {
  const directory = path.join(folder, COMPANION_FOLDER);
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch (error) {
    if (isNodeError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return [];
    throw error;
  }
  const isAlive = options.isAlive ?? isProcessRunning;
  const files = names
    .map((name) => ({ name, match: COMPANION_FILE_PATTERN.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map((entry) => ({ file: path.join(directory, entry.name), pid: Number(entry.match[1]) }))
    .filter((entry) => isAlive(entry.pid))
    .sort((a, b) => a.pid - b.pid);
  return Promise.all(files.map((entry) => readCompanion(entry.file, entry.pid, options.timeoutMs ?? DEFAULT_COMPANION_TIMEOUT_MS)));
}

async function readCompanion(file: string, pid: number, timeoutMs: number): Promise<CompanionReading> {
  const fail = (problem: string): CompanionFailure => ({ ok: false, file, pid, problem });
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    return fail(`The companion file ${file} cannot be read (${isNodeError(error) ? error.code : String(error)}).`);
  }
  let endpoint: CompanionEndpoint;
  try {
    endpoint = parseEndpoint(JSON.parse(text), pid);
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'it is not JSON' : (error as Error).message;
    return fail(`The companion file ${file} is unreadable: ${reason}.`);
  }
  const answer = await get(endpoint, timeoutMs);
  if ('problem' in answer) return fail(`The companion of process ${pid} (port ${endpoint.port}) ${answer.problem}.`);
  try {
    return { ok: true, file, endpoint, snapshot: parseSnapshot(JSON.parse(answer.body)) };
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'it is not JSON' : (error as Error).message;
    return fail(`The companion of process ${pid} (port ${endpoint.port}) gave a malformed answer: ${reason}.`);
  }
}

/** Checks an endpoint file's content; throws an Error whose message completes "is unreadable: …". */
export function parseEndpoint(value: unknown, pid: number): CompanionEndpoint {
  const v = record(value, 'it is not a JSON object');
  if (v.version !== COMPANION_PROTOCOL_VERSION) throw new Error(`it has protocol version ${JSON.stringify(v.version)}, this reader knows ${COMPANION_PROTOCOL_VERSION}`);
  if (v.pid !== pid) throw new Error(`it names process ${JSON.stringify(v.pid)}, its file name process ${pid}`);
  // The token goes only to the loopback address: a file pointing elsewhere would send it off the machine.
  if (v.host !== '127.0.0.1') throw new Error(`its host ${JSON.stringify(v.host)} is not 127.0.0.1, and Pool Lens sends the token nowhere else`);
  if (!isInteger(v.port) || v.port < 1 || v.port > 65535) throw new Error(`its port ${JSON.stringify(v.port)} is not a port number`);
  if (typeof v.token !== 'string' || !/^[0-9a-f]{16,}$/i.test(v.token)) throw new Error('its token is missing or not hexadecimal');
  if (typeof v.cwd !== 'string' || !path.isAbsolute(v.cwd)) throw new Error('its cwd is not an absolute path');
  if (typeof v.startedAt !== 'string') throw new Error('its startedAt is missing');
  return { version: COMPANION_PROTOCOL_VERSION, pid, host: '127.0.0.1', port: v.port, token: v.token, startedAt: v.startedAt, cwd: v.cwd };
}

/** Checks a `/v1/pools` answer; throws an Error whose message completes "gave a malformed answer: …". */
export function parseSnapshot(value: unknown): CompanionSnapshot {
  const v = record(value, 'it is not a JSON object');
  if (v.version !== COMPANION_PROTOCOL_VERSION) throw new Error(`protocol version ${JSON.stringify(v.version)}, this reader knows ${COMPANION_PROTOCOL_VERSION}`);
  if (!isInteger(v.pid)) throw new Error('pid is missing');
  if (typeof v.takenAt !== 'string') throw new Error('takenAt is missing');
  if (!Array.isArray(v.pools)) throw new Error('pools is not a list');
  return { version: COMPANION_PROTOCOL_VERSION, pid: v.pid, takenAt: v.takenAt, pools: v.pools.map(parsePool) };
}

const POOL_COUNTERS = ['max', 'totalCount', 'idleCount', 'waitingCount', 'checkedOut', 'peakCheckedOut', 'peakWaiting', 'checkoutsTotal'] as const;

function parsePool(value: unknown, index: number): AppPoolSnapshot {
  const v = record(value, `pool ${index + 1} is not an object`);
  if (typeof v.name !== 'string') throw new Error(`pool ${index + 1} has no name`);
  const counters = {} as Record<(typeof POOL_COUNTERS)[number], number>;
  for (const key of POOL_COUNTERS) {
    const count = v[key];
    if (!isInteger(count) || count < 0) throw new Error(`pool '${v.name}' has no count ${key}`);
    counters[key] = count;
  }
  if (!Array.isArray(v.checkouts)) throw new Error(`pool '${v.name}' has no list of checkouts`);
  return {
    name: v.name,
    ...optionalString(v, 'database'),
    ...optionalString(v, 'applicationName'),
    ...optionalString(v, 'host'),
    ...optionalString(v, 'user'),
    ...(isInteger(v.port) ? { port: v.port } : {}),
    ...counters,
    checkouts: v.checkouts.map((checkout, i) => parseCheckout(checkout, `pool '${v.name}' checkout ${i + 1}`)),
  };
}

function parseCheckout(value: unknown, where: string): CheckoutRecord {
  const v = record(value, `${where} is not an object`);
  if (!isInteger(v.id)) throw new Error(`${where} has no id`);
  if (typeof v.acquiredAt !== 'string') throw new Error(`${where} has no acquiredAt`);
  if (typeof v.ageMs !== 'number' || !Number.isFinite(v.ageMs) || v.ageMs < 0) throw new Error(`${where} has no ageMs`);
  if (!Array.isArray(v.stack) || !v.stack.every((frame) => typeof frame === 'string')) throw new Error(`${where} has no stack`);
  return {
    id: v.id,
    acquiredAt: v.acquiredAt,
    ageMs: v.ageMs,
    ...(isInteger(v.backendPid) ? { backendPid: v.backendPid } : {}),
    ...(typeof v.file === 'string' && v.file ? { file: v.file } : {}),
    ...(isInteger(v.line) && v.line >= 1 ? { line: v.line } : {}),
    ...(isInteger(v.column) && v.column >= 1 ? { column: v.column } : {}),
    stack: v.stack as string[],
  };
}

/** One `GET /v1/pools` with the token: the body of a 200, or what went wrong (completing "The companion … "). */
function get(endpoint: CompanionEndpoint, timeoutMs: number): Promise<{ body: string } | { problem: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: { body: string } | { problem: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = http.get(
      {
        host: endpoint.host,
        port: endpoint.port,
        path: COMPANION_SNAPSHOT_PATH,
        headers: { authorization: `Bearer ${endpoint.token}`, accept: 'application/json' },
        agent: false,
      },
      (response) => {
        if (response.statusCode === 401 || response.statusCode === 403) {
          response.resume();
          settle({ problem: 'refused the token in its endpoint file (the file may belong to an earlier run on the same port)' });
          return;
        }
        if (response.statusCode !== 200) {
          response.resume();
          settle({ problem: `answered HTTP ${response.statusCode} instead of its pools` });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            settle({ problem: `sent more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB, which no companion does` });
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => settle({ body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => settle({ problem: `broke off its answer (${error.message})` }));
      },
    );
    const timer = setTimeout(() => {
      settle({ problem: `is not answering (no answer within ${timeoutMs} ms)` });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => settle({ problem: `is not answering (${isNodeError(error) && error.code ? error.code : error.message})` }));
  });
}

function record(value: unknown, problem: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(problem);
  return value as Record<string, unknown>;
}

function optionalString<K extends string>(v: Record<string, unknown>, key: K): Partial<Record<K, string>> {
  const value = v[key];
  return typeof value === 'string' ? ({ [key]: value } as Partial<Record<K, string>>) : {};
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

/** The absolute path of a checkout's acquisition line: the contract says absolute, older stacks may be relative to the app's cwd. */
export function acquisitionPath(endpoint: Pick<CompanionEndpoint, 'cwd'>, checkout: Pick<CheckoutRecord, 'file'>): string | undefined {
  if (!checkout.file) return undefined;
  return path.isAbsolute(checkout.file) ? checkout.file : path.resolve(endpoint.cwd, checkout.file);
}
