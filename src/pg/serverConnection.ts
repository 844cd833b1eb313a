import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { DomainConfig } from './domains';
import { describeError, PasswordRequired, PgProblem, type ConnectionTarget } from './errors';
import { MONITOR_APPLICATION_NAME } from './queries';
import { isTlsNegotiationRefusal, sslAttempts, type PgSsl } from './tls';

export interface ConnectionTimings {
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  /** First wait after a failure; it doubles on each further failure. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface ConnectionDeps {
  /** Reads a CA file; the default reads from disk. */
  readFile?: (path: string) => string;
  now?: () => number;
}

/** Failures tied to one domain's credentials or database: another domain on the server may still connect. */
const DOMAIN_SPECIFIC = new Set(['password-required', 'wrong-password', 'not-allowed', 'database-missing', 'config']);

/**
 * The monitor's single connection to one physical server. A plain `pg.Client`, not a pool: one session
 * per server, tagged `pool-lens-monitor`, with a statement timeout. Connecting is single-flight, so
 * concurrent callers share one attempt. A client that fails or ends is dropped (and ended) and the next
 * call makes a new one, after an exponential backoff while the server keeps failing.
 */
export class ServerConnection {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private failures = 0;
  private lastProblem: PgProblem | undefined;
  private retryAt = 0;
  private disposed = false;
  /** The domain whose credentials the current client uses. */
  connectedAs: DomainConfig | undefined;
  /** Whether the current client's connection is TLS (`prefer` and `allow` may end in plain TCP). */
  encrypted: boolean | undefined;
  /** Domains tried before `connectedAs` that failed on their own credentials or database. */
  skipped: Array<{ domain: string; problem: PgProblem }> = [];

  constructor(
    readonly key: string,
    readonly domains: readonly DomainConfig[],
    private readonly passwords: ReadonlyMap<string, string>,
    private readonly timings: ConnectionTimings,
    private readonly deps: ConnectionDeps = {},
  ) {}

  get host(): string {
    return this.domains[0].host;
  }

  get port(): number {
    return this.domains[0].port;
  }

  /** The failure that started the current backoff, and when the next attempt is due; undefined when healthy. */
  get failure(): { problem: PgProblem; retryAt: number } | undefined {
    return this.lastProblem && !this.client ? { problem: this.lastProblem, retryAt: this.retryAt } : undefined;
  }

  /** Forgets the backoff so the next call connects at once (after a password was supplied, say). */
  retryNow(): void {
    this.retryAt = 0;
  }

  /** Runs one statement, connecting first when needed. Throws a `PgProblem`. */
  async query<Row extends object>(sql: string, params: readonly unknown[]): Promise<Row[]> {
    const client = await this.ensureClient();
    try {
      const result = await client.query<Row>(sql, params as unknown[]);
      return result.rows;
    } catch (error) {
      if (!isStatementError(error)) this.drop(client);
      throw describeError(error, this.target(this.connectedAs ?? this.domains[0]), this.secrets());
    }
  }

  /** Ends the client. Later calls fail. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const pending = this.connecting;
    const client = this.client;
    this.client = undefined;
    if (client) await endQuietly(client);
    if (pending) await pending.then(endQuietly, () => undefined);
  }

  private ensureClient(): Promise<pg.Client> {
    if (this.disposed) return Promise.reject(new PgProblem('other', `The monitor for ${this.key} was closed.`));
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    const now = this.now();
    if (this.lastProblem && now < this.retryAt) return Promise.reject(this.lastProblem);
    this.connecting = this.connectAny().then(
      (client) => {
        this.connecting = undefined;
        if (this.disposed) {
          void endQuietly(client);
          throw new PgProblem('other', `The monitor for ${this.key} was closed.`);
        }
        this.client = client;
        this.failures = 0;
        this.lastProblem = undefined;
        return client;
      },
      (problem: PgProblem) => {
        this.connecting = undefined;
        this.failures++;
        this.lastProblem = problem;
        const wait = Math.min(this.timings.initialBackoffMs * 2 ** (this.failures - 1), this.timings.maxBackoffMs);
        this.retryAt = this.now() + wait;
        throw problem;
      },
    );
    return this.connecting;
  }

  /** Tries the server's domains in order; the first domain's failure is the one reported. */
  private async connectAny(): Promise<pg.Client> {
    let firstProblem: PgProblem | undefined;
    const skipped: Array<{ domain: string; problem: PgProblem }> = [];
    for (const domain of this.domains) {
      try {
        const client = await this.connectAs(domain);
        this.connectedAs = domain;
        this.skipped = skipped;
        return client;
      } catch (error) {
        const problem = describeError(error, this.target(domain), this.secrets());
        skipped.push({ domain: domain.name, problem });
        firstProblem ??= problem;
        if (!DOMAIN_SPECIFIC.has(problem.kind)) break;
      }
    }
    throw firstProblem!;
  }

  private async connectAs(domain: DomainConfig): Promise<pg.Client> {
    let attempts: PgSsl[];
    try {
      attempts = sslAttempts(domain.tls, domain.host, this.deps.readFile ?? readCaFile);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new PgProblem('config', `Pool '${domain.name}': cannot read the CA file '${domain.tls.rootCertPath}' (${domain.rootCertSetting}): ${reason}.`);
    }
    let lastError: unknown;
    for (const ssl of attempts) {
      const client = this.newClient(domain, ssl);
      try {
        await client.connect();
        this.encrypted = ssl !== false;
        return client;
      } catch (error) {
        void endQuietly(client);
        lastError = error;
        if (!isTlsNegotiationRefusal(error)) break;
      }
    }
    throw lastError;
  }

  private newClient(domain: DomainConfig, ssl: PgSsl): pg.Client {
    const password = this.passwords.get(domain.name);
    const client = new pg.Client({
      host: domain.host,
      port: domain.port,
      database: domain.database,
      user: domain.user,
      // A function, so pg asks only when the server wants a password, and never falls back to its own
      // PGPASSWORD/.pgpass lookup behind the domain's back.
      password: () => {
        if (password === undefined) throw new PasswordRequired();
        return password;
      },
      ssl,
      application_name: MONITOR_APPLICATION_NAME,
      statement_timeout: this.timings.statementTimeoutMs,
      lock_timeout: this.timings.statementTimeoutMs,
      // A client-side guard for a network that stops answering without closing the socket.
      query_timeout: this.timings.statementTimeoutMs + 2000,
      connectionTimeoutMillis: this.timings.connectTimeoutMs,
      keepAlive: true,
    });
    // Without a listener an 'error' event (server restart, network drop) would crash the host process.
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    return client;
  }

  private drop(client: pg.Client): void {
    if (this.client === client) this.client = undefined;
    void endQuietly(client);
  }

  private target(domain: DomainConfig): ConnectionTarget {
    return {
      host: domain.host,
      port: domain.port,
      database: domain.database,
      user: domain.user,
      ...(domain.sslModeSource ? { sslModeSource: domain.sslModeSource } : {}),
      rootCertSetting: domain.rootCertSetting,
      passwordSources: domain.passwordSources,
    };
  }

  private secrets(): string[] {
    return [...this.passwords.values()];
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

/** A SQL error the server raised for one statement (the session is still fine), not a lost connection. */
function isStatementError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P');
}

function readCaFile(path: string): string {
  return readFileSync(path, 'utf8');
}

async function endQuietly(client: pg.Client): Promise<void> {
  try {
    await client.end();
  } catch {
    // Already closed or never opened: nothing left to release.
  }
}
