import { randomBytes } from 'node:crypto';
import * as net from 'node:net';

/**
 * A client for the Node inspector protocol of another process (here: the editor's extension host),
 * over the WebSocket the inspector serves. Node 20 has no WebSocket client without a flag, and the
 * project does not depend on one, so this speaks the small part of RFC 6455 the inspector needs: one
 * upgrade, masked text frames out, unmasked (possibly fragmented) text frames in, ping and close.
 */
export class InspectorClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closed: Error | undefined;
  private readonly listeners = new Map<string, (params: unknown) => void>();

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the inspector connection closed')));
  }

  /** Connects to the first target the inspector on `127.0.0.1:port` lists. */
  static async connect(port: number): Promise<InspectorClient> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(5_000) })).json()) as Array<{ webSocketDebuggerUrl?: string }>;
    const address = targets.find((target) => target.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
    if (!address) throw new Error(`the inspector on port ${port} lists no target`);
    const url = new URL(address);
    const socket = net.connect(Number(url.port), url.hostname);
    const key = randomBytes(16).toString('base64');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.write(
          [`GET ${url.pathname} HTTP/1.1`, `Host: ${url.host}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13', '', ''].join('\r\n'),
        );
      });
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('error', reject);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101/.test(status)) return reject(new Error(`the inspector refused the WebSocket upgrade: ${status}`));
        // Frames that arrived with the handshake are kept for the client.
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.unshift(rest);
        resolve();
      };
      socket.on('data', onData);
    });
    return new InspectorClient(socket);
  }

  /** Sends one protocol command and resolves with its `result`. */
  send<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} had no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.writeFrame(0x1, Buffer.from(JSON.stringify({ id, method, params })));
    });
  }

  /** Evaluates an expression in the target's main context and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const answer = await this.send<{ result: { value?: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, returnByValue: true });
    if (answer.exceptionDetails) throw new Error(`\`${expression}\` threw in the target: ${answer.exceptionDetails.text}`);
    return answer.result.value as T;
  }

  /** Calls `listener` with the params of every `method` event until `off` is called (one listener per method). */
  on(method: string, listener: (params: unknown) => void): void {
    this.listeners.set(method, listener);
  }

  off(method: string): void {
    this.listeners.delete(method);
  }

  close(): void {
    if (!this.closed) this.writeFrame(0x8, Buffer.alloc(0));
    this.socket.end();
    this.fail(new Error('the inspector connection was closed'));
  }

  private writeFrame(opcode: number, payload: Buffer): void {
    const length = payload.length;
    const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    if (length < 126) header[1] = 0x80 | length;
    else if (length < 65_536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    // A client must mask what it sends (RFC 6455, 5.3).
    const mask = randomBytes(4);
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = payload[i] ^ mask[i % 4];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const fin = (this.buffer[0] & 0x80) !== 0;
      const opcode = this.buffer[0] & 0x0f;
      const masked = (this.buffer[1] & 0x80) !== 0;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskKey = masked ? this.buffer.subarray(offset, offset + 4) : undefined;
      if (masked) offset += 4;
      if (this.buffer.length < offset + length) return;
      const payload = Buffer.from(this.buffer.subarray(offset, offset + length));
      if (maskKey) for (let i = 0; i < payload.length; i++) payload[i] ^= maskKey[i % 4];
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x9) this.writeFrame(0xa, payload);
      else if (opcode === 0x8) this.socket.end();
      else if (opcode === 0x1 || opcode === 0x0) {
        this.fragments.push(payload);
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.dispatch(text);
        }
      }
    }
  }

  private dispatch(text: string): void {
    const message = JSON.parse(text) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
    if (message.id === undefined) {
      if (message.method) this.listeners.get(message.method)?.(message.params);
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  }

  private fail(error: Error): void {
    this.closed ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
