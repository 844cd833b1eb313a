import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { COMPANION_SNAPSHOT_PATH, type CompanionSnapshot } from './protocol';

/** Where a reader finds a running server. */
export interface ServerAddress {
  port: number;
  token: string;
}

/**
 * The read-only snapshot server: 127.0.0.1 only, a random port, a 32-byte token per process. It never keeps
 * the app alive (the listening socket and every connection are unref'ed), never reads a request body, and
 * closes each connection after one answer.
 */
export class CompanionServer {
  private readonly token = randomBytes(32).toString('hex');
  private readonly expected = Buffer.from(`Bearer ${this.token}`);
  private readonly server: http.Server;

  private constructor(private readonly snapshot: () => CompanionSnapshot) {
    this.server = http.createServer((request, response) => this.answer(request, response));
    this.server.headersTimeout = 5_000;
    this.server.requestTimeout = 5_000;
    this.server.maxHeadersCount = 32;
    this.server.on('connection', (socket) => socket.unref());
  }

  /** Listens; rejects with the listen error (e.g. EADDRNOTAVAIL on a host without loopback). */
  static start(snapshot: () => CompanionSnapshot): Promise<{ server: CompanionServer; address: ServerAddress }> {
    const companion = new CompanionServer(snapshot);
    return new Promise((resolve, reject) => {
      companion.server.once('error', reject);
      companion.server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
        companion.server.removeListener('error', reject);
        // After start-up an error (none is expected of a listening server) must not crash the app.
        companion.server.on('error', () => undefined);
        companion.server.unref();
        const { port } = companion.server.address() as AddressInfo;
        resolve({ server: companion, address: { port, token: companion.token } });
      });
    });
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (!this.authorized(request.headers.authorization)) return send(response, 401, { error: 'A valid bearer token is required.' });
    if (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0') {
      return send(response, 413, { error: 'Requests carry no body.' });
    }
    if (request.headers['transfer-encoding'] !== undefined) return send(response, 413, { error: 'Requests carry no body.' });
    if (request.url !== COMPANION_SNAPSHOT_PATH) return send(response, 404, { error: `Only ${COMPANION_SNAPSHOT_PATH} is served.` });
    if (request.method !== 'GET') return send(response, 405, { error: 'Only GET is allowed.' }, { Allow: 'GET' });
    let body: CompanionSnapshot;
    try {
      body = this.snapshot();
    } catch (error) {
      return send(response, 500, { error: `The snapshot failed: ${error instanceof Error ? error.message : String(error)}` });
    }
    send(response, 200, body);
  }

  /** Compares in constant time, so the answer's timing tells nothing about how much of a guess was right. */
  private authorized(header: string | undefined): boolean {
    if (header === undefined) return false;
    const given = Buffer.from(header);
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}

function send(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    Connection: 'close',
    ...headers,
  });
  response.end(text);
}
