import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMPANION_FOLDER, COMPANION_SNAPSHOT_PATH, type CompanionEndpoint, type CompanionSnapshot } from '../../src/runtime/protocol';
import { eventually } from '../pg/server';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** A fresh folder to use as the companion's workspace. */
export function temporaryWorkspace(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-runtime-'));
}

export function endpointPath(workspace: string, pid: number = process.pid): string {
  return path.join(workspace, COMPANION_FOLDER, `companion-${pid}.json`);
}

/** Waits for the companion of `pid` to publish its endpoint file in `workspace`, and parses it. */
export function waitForEndpoint(workspace: string, pid: number = process.pid): Promise<CompanionEndpoint> {
  return eventually(`the endpoint file of ${pid} in ${workspace}`, () =>
    fs.readFile(endpointPath(workspace, pid), 'utf8').then((text) => JSON.parse(text) as CompanionEndpoint, () => undefined),
  );
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request to the companion, as a reader (or an intruder) would send it. */
export function request(
  port: number,
  options: { path?: string; method?: string; token?: string; body?: string; host?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const req = http.request(
      { host: options.host ?? '127.0.0.1', port, path: options.path ?? COMPANION_SNAPSHOT_PATH, method: options.method ?? 'GET', headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function fetchSnapshot(endpoint: CompanionEndpoint): Promise<CompanionSnapshot> {
  const answer = await request(endpoint.port, { token: endpoint.token });
  if (answer.status !== 200) throw new Error(`the companion answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body) as CompanionSnapshot;
}

/** The 1-based line of the only line of `file` that contains `marker`, so tests never hard-code line numbers. */
export async function lineOf(file: string, marker: string): Promise<number> {
  const lines = (await fs.readFile(file, 'utf8')).split('\n');
  const found = lines.flatMap((line, index) => (line.includes(marker) && !line.includes('lineOf(') ? [index + 1] : []));
  if (found.length !== 1) throw new Error(`${marker} is on ${found.length} lines of ${file}`);
  return found[0];
}
