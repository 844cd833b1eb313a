import type { PoolActivity, ServerSnapshot, SessionRow, Snapshot } from '../pg/model';
import type { TlsSettings } from '../pg/tls';
import { acquisitionPath, type CheckoutRecord, type CompanionReading } from '../workspace/companions';
import { appPoolsFor, longCheckouts, unmatchedAppPools, type AppPoolMatch } from '../pg/appPools';
import { acquisitionLabel, appCounters, appNodeLabel, appNodeTooltip, checkoutFlag, checkoutTooltip, type CheckoutFlag } from './appPoolsModel';
import { CommandId, LIVE_DEFAULTS } from './constants';
import { codeBlock, escapeMarkdown, formatAge, formatLiveAge, formatShare, plural } from './format';
import { tlsTrust } from './tlsTrust';

/**
 * The Pools view as plain data: which nodes exist under which, and how each looks (label, description,
 * codicon, theme colour, contextValue; the Markdown tooltip apart, for the hover). No `vscode` import, so the whole presentation is
 * tested under plain mocha from hand-built snapshots; `poolsTree.ts` only turns these into TreeItems.
 *
 *   server (host:port, "used / usable")
 *     pool (domain, application_name, "N sessions · X% of usable")
 *       app (a running companion's view of the pool: counters, peak)
 *         checkout held longer than poolLens.checkoutWarnMs (age, acquisition line; opens it)
 *       state bucket (active, idle, idle in transaction, waiting on lock, hidden)
 *         session (pid, state, ages; loaded on expand, paged)
 */

/** When a session or pool is called out as a leak or a problem. */
export interface Thresholds {
  /** `poolLens.idleInTransactionWarnMs`. */
  idleInTransactionWarnMs: number;
  /** `poolLens.longQueryWarnMs`. */
  longQueryWarnMs: number;
  /** `poolLens.idleCheckoutWarnMs`: idle longer than a pool keeps an idle client, so probably never released. */
  idleCheckoutWarnMs: number;
}

/** Codicon id plus an optional theme colour id (e.g. `list.warningForeground`). */
export interface IconView {
  id: string;
  color?: string;
}

/** What a row of the view draws. */
export interface ItemView {
  label: string;
  description?: string;
  icon: IconView;
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** An internal command to run on click (the "Show more" item). */
  command?: { id: string; title: string; arguments: unknown[] };
}

/** A row and its hover. */
export interface NodeView extends ItemView {
  /** Markdown. */
  tooltip: string;
}

/** Where the children of buckets and apps come from. */
export interface ChildSources {
  /** The pool's sessions (the view loads them once per pool and refresh, shared by its buckets and apps). */
  sessions(pool: PoolKey): Promise<readonly SessionRow[]>;
  /** How many pages of the bucket are shown ("Show more"). */
  pages(bucketId: string): number;
}

export type BucketKind = 'active' | 'idle' | 'idleInTransaction' | 'idleInTransactionAborted' | 'waitingOnLock' | 'hidden';

/** What identifies a pool's sessions on the server (the arguments of `Monitor.sessions`). */
export interface PoolKey {
  serverKey: string;
  database: string;
  applicationName: string;
  user: string;
}

export type PoolsNode =
  | { kind: 'server'; id: string; key: string }
  | { kind: 'message'; id: string; text: string; serverKey?: string; tone: 'error' | 'warning' | 'info'; password?: boolean }
  | { kind: 'pool'; id: string; serverKey: string; domain?: string; database: string; activity?: PoolActivity }
  | { kind: 'bucket'; id: string; pool: PoolKey; bucket: BucketKind; count: number }
  | { kind: 'session'; id: string; pool: PoolKey; bucket: BucketKind; row: SessionRow }
  | { kind: 'more'; id: string; bucketId: string; shown: number; total: number }
  | { kind: 'app'; id: string; pool: PoolKey; match: AppPoolMatch }
  | { kind: 'checkout'; id: string; pool: PoolKey; match: AppPoolMatch; checkout: CheckoutRecord; file?: string; flag?: CheckoutFlag };

export const SESSION_PAGE_SIZE = 100;

const WARNING_COLOR = 'list.warningForeground';
const ERROR_COLOR = 'list.errorForeground';
/** A server at this share of its usable slots or above is shown as a warning. */
const BUSY_SERVER_SHARE = 0.8;

const BUCKETS: ReadonlyArray<{ kind: BucketKind; label: string; icon: string; count: (pool: PoolActivity) => number }> = [
  { kind: 'active', label: 'active', icon: 'pulse', count: (p) => p.counts.active },
  { kind: 'idle', label: 'idle', icon: 'circle-outline', count: (p) => p.counts.idle },
  { kind: 'idleInTransaction', label: 'idle in transaction', icon: 'watch', count: (p) => p.counts.idleInTransaction },
  { kind: 'idleInTransactionAborted', label: 'idle in transaction (aborted)', icon: 'watch', count: (p) => p.counts.idleInTransactionAborted },
  { kind: 'waitingOnLock', label: 'waiting on lock', icon: 'lock', count: (p) => p.counts.waitingOnLock },
  { kind: 'hidden', label: 'hidden', icon: 'eye-closed', count: (p) => p.counts.hidden },
];

export function serverId(key: string): string {
  return `server:${key}`;
}

export function poolKeyOf(serverKey: string, activity: PoolActivity): PoolKey {
  return { serverKey, database: activity.database, applicationName: activity.applicationName, user: activity.user };
}

function poolId(key: PoolKey): string {
  return `pool:${key.serverKey}/${key.database}/${key.applicationName}/${key.user}`;
}

function bucketId(pool: PoolKey, bucket: BucketKind): string {
  return `${poolId(pool)}#${bucket}`;
}

/** What the tree shows at its root besides servers: settings problems, one sentence each. */
export interface TreeState {
  snapshot: Snapshot | undefined;
  /** Problems with `poolLens.pools` or the `.env` files (a pool that cannot be resolved …). */
  problems: readonly string[];
  thresholds: Thresholds;
  /** Servers being connected to before the first snapshot arrives, so the view says so instead of staying blank. */
  connecting?: readonly string[];
  /** Only for "retrying in N s"; defaults to the snapshot's time. */
  now?: number;
  /** The TLS settings of each monitored domain, by name: a server whose monitor does not verify the certificate says so. */
  domainTls?: Readonly<Record<string, TlsSettings>>;
  /** What the running companions of the workspace said (`readCompanions`); none means no app layer. */
  companions?: readonly CompanionReading[];
  /** `poolLens.checkoutWarnMs`: a checkout held this long is listed under its pool. */
  checkoutWarnMs?: number;
}

export class PoolsTreeModel {
  constructor(private state: TreeState) {}

  update(state: TreeState): void {
    this.state = state;
  }

  get snapshot(): Snapshot | undefined {
    return this.state.snapshot;
  }

  server(key: string): ServerSnapshot | undefined {
    return this.state.snapshot?.servers.find((server) => server.key === key);
  }

  /** The root: configuration problems first, then one node per server. */
  roots(): PoolsNode[] {
    const problems: PoolsNode[] = this.state.problems.map((text, index) => ({ kind: 'message', id: `problem:${index}:${text}`, text, tone: 'warning' }));
    for (const reading of this.state.companions ?? []) {
      if (!reading.ok) problems.push({ kind: 'message', id: `companion:${reading.pid}:${reading.problem}`, text: reading.problem, tone: 'warning' });
    }
    const answering = (this.state.snapshot?.servers ?? []).filter((server) => server.status === 'ok');
    if (answering.length) {
      const pools = answering.flatMap((server) => server.databases.flatMap((database) => database.pools));
      for (const { companion, pool } of unmatchedAppPools(this.state.companions, pools, answering.flatMap((server) => server.domains))) {
        const text = `Pool '${pool.name}' of process ${companion.endpoint.pid} matches no pool here: name it after a domain (instrument(pool, { name })) or give it the database and application_name of one.`;
        problems.push({ kind: 'message', id: `companion:${companion.endpoint.pid}/${pool.name}:unmatched`, text, tone: 'info' });
      }
    }
    if (!this.state.snapshot && this.state.connecting?.length) {
      const text = `Connecting to ${this.state.connecting.join(', ')}…`;
      return [...problems, { kind: 'message', id: 'connecting', text, tone: 'info' }];
    }
    const servers: PoolsNode[] = (this.state.snapshot?.servers ?? []).map((server) => ({ kind: 'server', id: serverId(server.key), key: server.key }));
    return [...problems, ...servers];
  }

  /**
   * Children of a server: its error sentence when it cannot be reached, else its pools: configured
   * domains first (in settings order, even with no sessions), then sessions nobody configured, busiest first.
   */
  serverChildren(key: string): PoolsNode[] {
    const server = this.server(key);
    if (!server) return [];
    if (server.status === 'error') {
      return [
        {
          kind: 'message',
          id: `${serverId(key)}:error`,
          text: server.error ?? `${key} cannot be reached.`,
          serverKey: key,
          tone: 'error',
          password: server.errorKind === 'password-required' || server.errorKind === 'wrong-password',
        },
      ];
    }
    const configured: PoolsNode[] = [];
    const others: PoolsNode[] = [];
    for (const database of server.databases) {
      for (const activity of database.pools) {
        const key = poolKeyOf(server.key, activity);
        const node: PoolsNode = { kind: 'pool', id: poolId(key), serverKey: server.key, database: activity.database, activity, ...(activity.domain ? { domain: activity.domain } : {}) };
        (activity.domain ? configured : others).push(node);
      }
      for (const domain of database.domains) {
        if (database.pools.some((pool) => pool.domain === domain)) continue;
        configured.push({ kind: 'pool', id: `pool:${server.key}/${database.name}/domain:${domain}`, serverKey: server.key, domain, database: database.name });
      }
    }
    const order = (node: PoolsNode) => (node.kind === 'pool' && node.domain ? server.domains.indexOf(node.domain) : -1);
    configured.sort((a, b) => order(a) - order(b));
    others.sort((a, b) => total(b) - total(a));
    return [...configured, ...others];
  }

  poolChildren(node: Extract<PoolsNode, { kind: 'pool' }>): PoolsNode[] {
    const activity = node.activity;
    if (!activity) return [];
    const pool = poolKeyOf(node.serverKey, activity);
    const apps: PoolsNode[] = appPoolsFor(this.state.companions, activity).map((match) => ({
      kind: 'app',
      id: `${poolId(pool)}@app:${match.companion.endpoint.pid}/${match.pool.name}`,
      pool,
      match,
    }));
    return [...apps, ...BUCKETS.filter((bucket) => bucket.count(activity) > 0).map((bucket): PoolsNode => ({
      kind: 'bucket',
      id: bucketId(pool, bucket.kind),
      pool,
      bucket: bucket.kind,
      count: bucket.count(activity),
    }))];
  }

  /** Whether an app node lists checkouts held too long, so the server's sessions of its pool are worth loading. */
  hasLongCheckouts(node: Extract<PoolsNode, { kind: 'app' }>): boolean {
    return longCheckouts(node.match.pool, this.checkoutWarnMs).length > 0;
  }

  /** The checkouts held too long, each flagged by what the server says about its backend in `rows` (the pool's sessions). */
  appChildren(node: Extract<PoolsNode, { kind: 'app' }>, rows?: readonly SessionRow[]): PoolsNode[] {
    const warnMs = this.checkoutWarnMs;
    return longCheckouts(node.match.pool, warnMs).map((checkout) => {
      const file = checkout.line !== undefined ? acquisitionPath(node.match.companion.endpoint, checkout) : undefined;
      const flag = checkoutFlag(checkout, rows, warnMs);
      return { kind: 'checkout', id: `${node.id}#${checkout.id}`, pool: node.pool, match: node.match, checkout, ...(file ? { file } : {}), ...(flag ? { flag } : {}) };
    });
  }

  private get checkoutWarnMs(): number {
    return this.state.checkoutWarnMs ?? LIVE_DEFAULTS.checkoutWarnMs;
  }

  /** The sessions of a bucket, `pages` pages of them, plus a "Show more" node when there are more. */
  bucketChildren(node: Extract<PoolsNode, { kind: 'bucket' }>, rows: readonly SessionRow[], pages = 1): PoolsNode[] {
    const matching = rows.filter((row) => inBucket(row, node.bucket));
    const shown = Math.min(matching.length, Math.max(1, pages) * SESSION_PAGE_SIZE);
    const sessions: PoolsNode[] = matching.slice(0, shown).map((row) => ({ kind: 'session', id: `${node.id}@${row.pid}`, pool: node.pool, bucket: node.bucket, row }));
    if (shown < matching.length) sessions.push({ kind: 'more', id: `${node.id}+more`, bucketId: node.id, shown, total: matching.length });
    return sessions;
  }

  /** The children of `node` (the root when undefined); buckets and apps load their pool's sessions from `sources`. */
  async children(node: PoolsNode | undefined, sources: ChildSources): Promise<PoolsNode[]> {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'server':
        return this.serverChildren(node.key);
      case 'pool':
        return this.poolChildren(node);
      case 'app':
        return this.appChildrenFrom(node, sources);
      case 'bucket':
        try {
          return this.bucketChildren(node, await sources.sessions(node.pool), sources.pages(node.id));
        } catch (error) {
          return [{ kind: 'message', id: `${node.id}:error`, text: `Could not list the sessions: ${messageOf(error)}`, tone: 'error' }];
        }
      default:
        return [];
    }
  }

  /** Long checkouts, flagged by the server's view of their backends (the pool's sessions, shared with its buckets). */
  private async appChildrenFrom(node: Extract<PoolsNode, { kind: 'app' }>, sources: ChildSources): Promise<PoolsNode[]> {
    if (!this.hasLongCheckouts(node)) return [];
    let rows: readonly SessionRow[] | undefined;
    try {
      rows = await sources.sessions(node.pool);
    } catch {
      // Without the server's sessions the checkouts are still listed, only without the release/COMMIT flag.
      rows = undefined;
    }
    return this.appChildren(node, rows);
  }

  /** Everything about a node: its row and its tooltip (tests, checks that read it all). */
  view(node: PoolsNode): NodeView {
    return { ...this.item(node), tooltip: this.tooltip(node) };
  }

  /** What the row draws. Ages are to the minute past the first minute, so an idle row changes once a minute. */
  item(node: PoolsNode): ItemView {
    switch (node.kind) {
      case 'server':
        return this.serverItem(node.key);
      case 'message':
        return messageItem(node);
      case 'pool':
        return this.poolItem(node);
      case 'bucket':
        return this.bucketItem(node);
      case 'session':
        return sessionItem(node, this.state.thresholds);
      case 'app':
        return this.appItem(node);
      case 'checkout':
        return checkoutItem(node);
      case 'more':
        return { label: 'Show more', description: `${node.shown} of ${node.total} shown`, icon: { id: 'ellipsis' }, contextValue: 'poolLens.more', collapsible: 'none' };
    }
  }

  /** What `item` draws, as one string: equal strings draw the same row, so VS Code need not rebuild it. */
  rendering(node: PoolsNode): string {
    return renderingOf(this.item(node));
  }

  /**
   * The Markdown a hover shows, from the node's data as of the latest refresh, with ages to the second:
   * the view asks for it only when the user hovers (`resolveTreeItem`), so it can be exact without making
   * the row change on every refresh.
   */
  tooltip(node: PoolsNode): string {
    switch (node.kind) {
      case 'server':
        return this.serverTooltip(node.key);
      case 'message':
        return escapeMarkdown(node.text);
      case 'pool':
        return this.poolTooltip(node);
      case 'bucket':
        return this.bucketTooltip(node);
      case 'session':
        return sessionTooltip(node, this.state.thresholds);
      case 'app':
        return appNodeTooltip(node.match, this.checkoutWarnMs);
      case 'checkout':
        return checkoutTooltip(node.match, node.checkout, node.flag);
      case 'more':
        return `Shows the next ${SESSION_PAGE_SIZE} sessions.`;
    }
  }

  /** The leaks and problems of one pool now, one sentence each (also used by the report). */
  poolAlerts(activity: PoolActivity): string[] {
    return poolAlerts(activity, this.state.thresholds);
  }

  private serverItem(key: string): ItemView {
    const server = this.server(key);
    if (!server) return { label: key, icon: { id: 'server' }, contextValue: 'poolLens.server', collapsible: 'none' };
    if (server.status === 'error') {
      const now = this.state.now ?? this.state.snapshot?.takenAt ?? Date.now();
      const retry = server.nextAttemptAt !== undefined && server.nextAttemptAt > now ? ` · retrying in ${formatAge(server.nextAttemptAt - now)}` : '';
      return { label: key, description: `${shortProblem(server)}${retry}`, icon: { id: 'error', color: ERROR_COLOR }, contextValue: 'poolLens.server.error', collapsible: 'expanded' };
    }
    const capacity = server.capacity;
    const tls = this.tlsOf(server);
    const alerts = this.serverAlerts(server);
    const full = capacity !== undefined && capacity.used >= capacity.usable;
    const busy = capacity !== undefined && capacity.used >= capacity.usable * BUSY_SERVER_SHARE;
    const usage = capacity ? `${capacity.used} / ${capacity.usable}` : undefined;
    return {
      label: key,
      description: tls?.marker ? [usage, tls.marker].filter(Boolean).join(' · ') : usage,
      icon: full ? { id: 'server', color: ERROR_COLOR } : busy || alerts.length > 0 ? { id: 'server', color: WARNING_COLOR } : { id: 'server' },
      contextValue: 'poolLens.server',
      collapsible: 'expanded',
    };
  }

  private serverTooltip(key: string): string {
    const server = this.server(key);
    if (!server) return escapeMarkdown(key);
    if (server.status === 'error') return `**${escapeMarkdown(key)}** cannot be monitored.\n\n${escapeMarkdown(server.error ?? '')}`;
    const capacity = server.capacity;
    const tls = this.tlsOf(server);
    const alerts = this.serverAlerts(server);
    return [
      `**${escapeMarkdown(key)}**${server.version ? ` · PostgreSQL ${escapeMarkdown(server.version)}` : ''}`,
      ...(capacity
        ? [
            `${capacity.used} of ${capacity.usable} usable connections in use (${formatShare(capacity.used, capacity.usable)}), the monitor's own included.`,
            `usable = max_connections ${capacity.maxConnections} − superuser_reserved_connections ${capacity.superuserReserved} − reserved_connections ${capacity.reserved}`,
          ]
        : []),
      ...(server.domains.length ? [`Domains: ${server.domains.map(escapeMarkdown).join(', ')}`] : []),
      ...(server.monitorUser ? [`Monitor connects as '${escapeMarkdown(server.monitorUser)}'${server.canReadAllStats ? '' : ', without pg_read_all_stats: other roles\' sessions are counted as hidden'}.`] : []),
      ...(alerts.length ? [`$(warning) ${plural(alerts.length, 'problem')} in its pools.`] : []),
      ...(tls ? [`${tls.marker ? '$(unlock) ' : '$(lock) '}${escapeMarkdown(tls.sentence)}`] : []),
    ].join('\n\n');
  }

  private tlsOf(server: ServerSnapshot): ReturnType<typeof tlsTrust> | undefined {
    const settings = this.state.domainTls?.[server.monitorDomain ?? server.domains[0] ?? ''];
    return settings ? tlsTrust(settings, server.encrypted) : undefined;
  }

  private serverAlerts(server: ServerSnapshot): string[] {
    return server.databases.flatMap((database) => database.pools.flatMap((pool) => this.poolAlerts(pool)));
  }

  private poolItem(node: Extract<PoolsNode, { kind: 'pool' }>): ItemView {
    const activity = node.activity;
    const label = node.domain ?? node.database;
    if (!activity) return { label, description: `${node.database} · no sessions`, icon: { id: 'database' }, contextValue: 'poolLens.pool.empty', collapsible: 'none' };
    const alerts = this.poolAlerts(activity);
    const app = activity.applicationName || '(no application_name)';
    return {
      label,
      description: `${node.domain ? `${app} · ` : `${activity.database} · ${app} · `}${this.poolShare(node, activity)}`,
      icon: alerts.length ? { id: 'warning', color: WARNING_COLOR } : { id: 'database' },
      contextValue: 'poolLens.pool',
      collapsible: activity.counts.total > 0 ? 'expanded' : 'none',
    };
  }

  private poolShare(node: Extract<PoolsNode, { kind: 'pool' }>, activity: PoolActivity): string {
    return `${plural(activity.counts.total, 'session')} · ${formatShare(activity.counts.total, this.usable(node.serverKey))} of usable`;
  }

  private usable(serverKey: string): number {
    return this.server(serverKey)?.capacity?.usable ?? 0;
  }

  private poolTooltip(node: Extract<PoolsNode, { kind: 'pool' }>): string {
    const activity = node.activity;
    const label = node.domain ?? node.database;
    if (!activity) return `**${escapeMarkdown(label)}** (database '${escapeMarkdown(node.database)}') has no sessions on ${escapeMarkdown(node.serverKey)} right now.`;
    const counts = activity.counts;
    return [
      `**${escapeMarkdown(label)}**${node.domain ? '' : ' (not a configured pool)'}`,
      `database '${escapeMarkdown(activity.database)}' · application_name '${escapeMarkdown(activity.applicationName)}' · user '${escapeMarkdown(activity.user)}'`,
      `${this.poolShare(node, activity)} (${counts.total} of ${this.usable(node.serverKey)})`,
      [
        `active ${counts.active}`,
        `idle ${counts.idle}`,
        `idle in transaction ${counts.idleInTransaction + counts.idleInTransactionAborted}`,
        `waiting on lock ${counts.waitingOnLock}`,
        ...(counts.hidden ? [`hidden ${counts.hidden}`] : []),
      ].join(' · '),
      ...(activity.longestQueryMs !== null ? [`Longest running query: ${formatAge(activity.longestQueryMs)} (pid ${activity.longestQueryPid})`] : []),
      ...(activity.oldestIdleInTransactionMs !== null ? [`Oldest idle transaction: ${formatAge(activity.oldestIdleInTransactionMs)} (pid ${activity.oldestIdleInTransactionPid})`] : []),
      ...this.poolAlerts(activity).map((alert) => `$(warning) ${escapeMarkdown(alert)}`),
    ].join('\n\n');
  }

  private appItem(node: Extract<PoolsNode, { kind: 'app' }>): ItemView {
    const long = longCheckouts(node.match.pool, this.checkoutWarnMs).length;
    const warn = long > 0 || node.match.pool.waitingCount > 0;
    return {
      label: appNodeLabel(node.match),
      description: appCounters(node.match.pool),
      icon: warn ? { id: 'warning', color: WARNING_COLOR } : { id: 'server-process' },
      contextValue: 'poolLens.app',
      collapsible: long > 0 ? 'expanded' : 'none',
    };
  }

  private bucketItem(node: Extract<PoolsNode, { kind: 'bucket' }>): ItemView {
    const bucket = bucketOf(node.bucket);
    return {
      label: bucket.label,
      description: String(node.count),
      icon: this.bucketWarning(node) ? { id: bucket.icon, color: WARNING_COLOR } : { id: bucket.icon },
      contextValue: `poolLens.bucket.${node.bucket}`,
      collapsible: 'collapsed',
    };
  }

  private bucketTooltip(node: Extract<PoolsNode, { kind: 'bucket' }>): string {
    if (node.bucket === 'hidden') {
      const user = this.server(node.pool.serverKey)?.monitorUser ?? 'monitor_role';
      return (
        `${plural(node.count, 'session')} of other roles whose state the monitor may not read, so they are counted here rather than dropped.\n\n` +
        `To see their state, ages and queries, let the monitor's role read all statistics (PostgreSQL 10+; the role needs INHERIT):\n\n` +
        codeBlock(`GRANT pg_read_all_stats TO ${quoteIdentifier(user)};`)
      );
    }
    const warning = this.bucketWarning(node);
    return `${plural(node.count, 'session')} ${bucketOf(node.bucket).label}.${warning ? `\n\n$(warning) ${escapeMarkdown(warning)}` : ''}`;
  }

  private bucketWarning(node: Extract<PoolsNode, { kind: 'bucket' }>): string | undefined {
    const activity = this.activity(node.pool);
    return activity ? bucketWarning(node.bucket, activity, this.state.thresholds) : undefined;
  }

  private activity(key: PoolKey): PoolActivity | undefined {
    return this.server(key.serverKey)
      ?.databases.find((database) => database.name === key.database)
      ?.pools.find((pool) => pool.applicationName === key.applicationName && pool.user === key.user);
  }
}

/** What `PoolsTreeModel.item` drew, as one string (JSON keeps the key order it was built in). */
export function renderingOf(item: ItemView): string {
  return JSON.stringify(item);
}

function bucketOf(kind: BucketKind): (typeof BUCKETS)[number] {
  return BUCKETS.find((bucket) => bucket.kind === kind)!;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkoutItem(node: Extract<PoolsNode, { kind: 'checkout' }>): ItemView {
  const { checkout, flag } = node;
  const place = acquisitionLabel(node.match.companion, checkout);
  const line = checkout.line ?? 1;
  return {
    label: place ?? `checkout #${checkout.id}`,
    description: [`held ${formatLiveAge(checkout.ageMs)}`, checkout.backendPid !== undefined ? `pid ${checkout.backendPid}` : undefined, flag?.short].filter(Boolean).join(' · '),
    icon: flag ? { id: 'warning', color: flag.kind === 'commit' ? ERROR_COLOR : WARNING_COLOR } : { id: 'go-to-file', color: WARNING_COLOR },
    contextValue: 'poolLens.checkout',
    collapsible: 'none',
    ...(node.file ? { command: { id: CommandId.openCheckout, title: 'Open Acquisition Line', arguments: [node.file, line, checkout.column ?? 1] } } : {}),
  };
}

function total(node: PoolsNode): number {
  return node.kind === 'pool' ? (node.activity?.counts.total ?? 0) : 0;
}

export function inBucket(row: SessionRow, bucket: BucketKind): boolean {
  switch (bucket) {
    case 'active':
      return row.state === 'active';
    case 'idle':
      return row.state === 'idle';
    case 'idleInTransaction':
      return row.state === 'idle in transaction';
    case 'idleInTransactionAborted':
      return row.state === 'idle in transaction (aborted)';
    case 'waitingOnLock':
      return row.waitEventType === 'Lock';
    case 'hidden':
      return row.state === null;
  }
}

/** The leaks and problems of one pool, one sentence each. */
export function poolAlerts(activity: PoolActivity, thresholds: Thresholds): string[] {
  const alerts: string[] = [];
  const iit = activity.counts.idleInTransaction + activity.counts.idleInTransactionAborted;
  if (iit > 0 && activity.oldestIdleInTransactionMs !== null && activity.oldestIdleInTransactionMs >= thresholds.idleInTransactionWarnMs) {
    alerts.push(
      `Idle in transaction for ${formatAge(activity.oldestIdleInTransactionMs)} (pid ${activity.oldestIdleInTransactionPid}): it holds its locks and a connection until it commits or rolls back.`,
    );
  }
  if (activity.longestQueryMs !== null && activity.longestQueryMs >= thresholds.longQueryWarnMs) {
    alerts.push(`A query has been running for ${formatAge(activity.longestQueryMs)} (pid ${activity.longestQueryPid}).`);
  }
  if (activity.counts.idleStale > 0) {
    const longest = activity.longestIdleMs !== null ? `, the longest for ${formatAge(activity.longestIdleMs)}` : '';
    alerts.push(
      `${plural(activity.counts.idleStale, 'session')} idle for more than ${formatAge(thresholds.idleCheckoutWarnMs)}${longest}: longer than a pool keeps an idle client, so probably a checkout that was never released.`,
    );
  }
  if (activity.counts.waitingOnLock > 0) {
    alerts.push(`${plural(activity.counts.waitingOnLock, 'session')} waiting on a lock.`);
  }
  return alerts;
}

function bucketWarning(bucket: BucketKind, activity: PoolActivity, thresholds: Thresholds): string | undefined {
  switch (bucket) {
    case 'idleInTransaction':
    case 'idleInTransactionAborted':
      return activity.oldestIdleInTransactionMs !== null && activity.oldestIdleInTransactionMs >= thresholds.idleInTransactionWarnMs
        ? `The oldest has been idle in transaction for ${formatAge(activity.oldestIdleInTransactionMs)}.`
        : undefined;
    case 'active':
      return activity.longestQueryMs !== null && activity.longestQueryMs >= thresholds.longQueryWarnMs
        ? `The longest query has been running for ${formatAge(activity.longestQueryMs)}.`
        : undefined;
    case 'idle':
      return activity.counts.idleStale > 0 ? `${plural(activity.counts.idleStale, 'session')} idle for more than ${formatAge(thresholds.idleCheckoutWarnMs)}: probably never released.` : undefined;
    case 'waitingOnLock':
      return `Blocked by another session's lock.`;
    case 'hidden':
      return undefined;
  }
}

/** Why one session is called out, or undefined when it looks healthy. */
export function sessionWarning(row: SessionRow, thresholds: Thresholds): string | undefined {
  if (row.state?.startsWith('idle in transaction') && row.transactionMs !== null && row.transactionMs >= thresholds.idleInTransactionWarnMs) {
    return `Idle in transaction for ${formatAge(row.transactionMs)}: it holds its locks and a connection until it commits or rolls back.`;
  }
  if (row.state === 'active' && row.queryMs !== null && row.queryMs >= thresholds.longQueryWarnMs) {
    return `This query has been running for ${formatAge(row.queryMs)}.`;
  }
  if (row.state === 'idle' && row.stateMs !== null && row.stateMs >= thresholds.idleCheckoutWarnMs) {
    return `Idle for ${formatAge(row.stateMs)}, longer than a pool keeps an idle client: probably a checkout that was never released.`;
  }
  if (row.waitEventType === 'Lock') {
    return row.blockedBy.length ? `Waiting on a lock held by pid ${row.blockedBy.join(', ')}.` : 'Waiting on a lock.';
  }
  return undefined;
}

function sessionItem(node: Extract<PoolsNode, { kind: 'session' }>, thresholds: Thresholds): ItemView {
  const row = node.row;
  const warning = sessionWarning(row, thresholds);
  return {
    label: `pid ${row.pid}`,
    description: [row.state ?? 'hidden', sessionAge(row), row.waitEventType === 'Lock' ? `waiting on ${row.waitEvent ?? 'a lock'}` : undefined, firstLine(row.query)].filter(Boolean).join(' · '),
    icon: warning ? { id: 'warning', color: WARNING_COLOR } : { id: sessionIcon(row) },
    contextValue: row.query ? 'poolLens.session.withQuery' : 'poolLens.session',
    collapsible: 'none',
  };
}

function sessionTooltip(node: Extract<PoolsNode, { kind: 'session' }>, thresholds: Thresholds): string {
  const row = node.row;
  const warning = sessionWarning(row, thresholds);
  const state = row.state ?? 'hidden';
  const ages = [
    row.connectedMs !== null ? `connected ${formatAge(row.connectedMs)} ago` : undefined,
    row.transactionMs !== null ? `transaction open for ${formatAge(row.transactionMs)}` : undefined,
    row.queryMs !== null ? `${row.state === 'active' ? 'query running for' : 'last query started'} ${formatAge(row.queryMs)}${row.state === 'active' ? '' : ' ago'}` : undefined,
    row.stateMs !== null ? `in this state for ${formatAge(row.stateMs)}` : undefined,
  ].filter((line): line is string => line !== undefined);
  return [
    `**pid ${row.pid}** · ${escapeMarkdown(state)} · database '${escapeMarkdown(node.pool.database)}' · user '${escapeMarkdown(row.user)}'${row.clientAddress ? ` · from ${escapeMarkdown(row.clientAddress)}` : ''}`,
    ...(ages.length ? [ages.join(' · ')] : []),
    ...(row.waitEventType ? [`Waiting: ${escapeMarkdown(row.waitEventType)} / ${escapeMarkdown(row.waitEvent ?? '')}${row.blockedBy.length ? ` (blocked by pid ${row.blockedBy.join(', ')})` : ''}`] : []),
    ...(warning ? [`$(warning) ${escapeMarkdown(warning)}`] : []),
    row.query === null ? '_Query text hidden: the monitor\'s role lacks pg_read_all_stats._' : codeBlock(row.query),
  ].join('\n\n');
}

/** The age that matters for the session's state: a query's run time, a transaction's age, or idle time. */
function sessionAge(row: SessionRow): string | undefined {
  if (row.state === 'active' && row.queryMs !== null) return formatLiveAge(row.queryMs);
  if (row.state?.startsWith('idle in transaction') && row.transactionMs !== null) return formatLiveAge(row.transactionMs);
  if (row.stateMs !== null) return formatLiveAge(row.stateMs);
  return undefined;
}

function sessionIcon(row: SessionRow): string {
  if (row.waitEventType === 'Lock') return 'lock';
  switch (row.state) {
    case 'active':
      return 'pulse';
    case 'idle':
      return 'circle-outline';
    case null:
      return 'eye-closed';
    default:
      return row.state.startsWith('idle in transaction') ? 'watch' : 'circle-filled';
  }
}

function messageItem(node: Extract<PoolsNode, { kind: 'message' }>): ItemView {
  const icon: IconView =
    node.tone === 'error' ? { id: 'error', color: ERROR_COLOR } : node.tone === 'warning' ? { id: 'warning', color: WARNING_COLOR } : { id: node.id === 'connecting' ? 'loading~spin' : 'info' };
  return { label: node.text, icon, contextValue: node.password ? 'poolLens.message.password' : 'poolLens.message', collapsible: 'none' };
}

function shortProblem(server: ServerSnapshot): string {
  switch (server.errorKind) {
    case 'password-required':
      return 'password required';
    case 'wrong-password':
      return 'wrong password';
    case 'refused':
    case 'host-not-found':
    case 'timeout':
    case 'connection-lost':
    case 'server-stopping':
      return 'unreachable';
    case 'tls-required':
    case 'tls-untrusted':
    case 'tls-wrong-host':
    case 'tls-unsupported':
    case 'tls-other':
      return 'TLS problem';
    case 'not-allowed':
    case 'permission-denied':
      return 'not allowed';
    case 'database-missing':
      return 'database missing';
    default:
      return 'error';
  }
}

function firstLine(query: string | null): string | undefined {
  if (!query) return undefined;
  const line = query.trim().split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** A role name as SQL needs it: bare when it is a plain lower-case identifier, else double-quoted. */
function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
