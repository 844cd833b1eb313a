import type { OptionValue } from '../core/poolOptions';
import type { CodeLocation, InspectReport, ReportedAppPool, ReportedPool, ReportedServer } from '../pg/inspectReport';
import type { DiscoveredPool } from '../workspace/poolDiscovery';
import { codeBlock, escapeMarkdown, formatAge, formatShare, plural } from './format';
import type { Thresholds } from './poolsTreeModel';

/**
 * "Pool Lens: Inspect Pools" as a Markdown document: the report `buildReport` assembles (pools in the
 * code joined with the live servers and the sizing of each server) laid out for reading in the editor.
 * Pure: no `vscode`, so the wording is tested under plain mocha. The report never holds a password,
 * and neither does this text.
 */
export interface InspectMarkdownInput {
  report: InspectReport;
  /** Every pool found in the code, for its timeouts, application_name and a link to it. */
  discovered: readonly DiscoveredPool[];
  thresholds: Thresholds;
  takenAt: number;
  /** Instances assumed per pool, as the sizing used them. */
  instances: (domain: string) => number;
  /** Turns a found pool into a link target (a file URI with the line); plain text when undefined. */
  link?: (pool: DiscoveredPool) => string;
  /** Turns a checkout's acquisition file and line into a link target; plain text when undefined. */
  fileLink?: (file: string, line: number) => string;
}

export function renderInspectMarkdown(input: InspectMarkdownInput): string {
  const { report } = input;
  const out: string[] = ['# Pool Lens: Inspect Pools', ''];
  out.push(
    `Snapshot taken ${new Date(input.takenAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}. ` +
      (report.source === 'code'
        ? '`poolLens.pools` is empty, so the pools are the ones found in the code (`process.env.<NAME>_DB_*`).'
        : 'Pools from `poolLens.pools`.'),
    '',
  );
  if (report.servers.length === 0) {
    out.push('No live server to inspect: configure `poolLens.pools` (or read `process.env.<NAME>_DB_*` in a `new Pool()`), then run this again.', '');
  }
  for (const server of report.servers) out.push(...serverSection(server, input));

  if (report.domainErrors.length || report.warnings.length) {
    out.push('## Configuration problems', '');
    for (const error of [...report.domainErrors, ...report.warnings]) out.push(`- ${escapeMarkdown(error)}`);
    out.push('');
  }
  if (report.otherCode.length) {
    out.push('## Pools in the code outside these domains', '');
    for (const location of report.otherCode) out.push(`- ${codeLine(location, input)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function serverSection(server: ReportedServer, input: InspectMarkdownInput): string[] {
  const out: string[] = [`## ${escapeMarkdown(server.key)}${server.version ? ` · PostgreSQL ${escapeMarkdown(server.version)}` : ''}`, ''];
  if (server.status === 'error' || !server.capacity) {
    out.push(`**Not reachable:** ${escapeMarkdown(server.error ?? 'no answer')}`, '');
    if (server.pools.some((pool) => pool.code.length)) {
      out.push('Pools in the code for this server:', '');
      for (const pool of server.pools) for (const location of pool.code) out.push(`- ${escapeMarkdown(pool.domain ?? pool.database)}: ${codeLine(location, input)}`);
      out.push('');
    }
    return out;
  }
  const c = server.capacity;
  out.push(
    `**${c.used} of ${c.usable} usable connections in use** (${formatShare(c.used, c.usable)}; usable = max_connections ${c.maxConnections} − superuser_reserved_connections ${c.superuserReserved} − reserved_connections ${c.reserved}).`,
    '',
  );
  if (server.canReadAllStats === false) {
    out.push(
      "The monitor's role lacks pg_read_all_stats: other roles' sessions are counted as hidden, without state or ages. To see them:",
      '',
      codeBlock('GRANT pg_read_all_stats TO <monitor role>;'),
      '',
    );
  }

  out.push('| Pool | Database | application_name | Sessions now | Leaks now | max in the code | Recommended max |', '|---|---|---|---|---|---|---|');
  for (const pool of server.pools) {
    const maxes = pool.code.map((location) => String(location.max));
    out.push(
      `| ${cell(pool.domain ?? '(not configured)')} | ${cell(pool.database)} | ${cell(pool.applicationName === undefined ? '' : pool.applicationName || '(none)')} | ${sessions(pool, c.usable)} | ${cell(leaks(pool, input.thresholds).join(' ') || 'none')} | ${maxes.length ? maxes.join(', ') : '—'} | ${pool.recommendedMax === undefined ? '—' : `**${pool.recommendedMax}**`} |`,
    );
  }
  out.push('');

  const inCode = server.pools.filter((pool) => pool.code.length > 0);
  if (inCode.length) {
    out.push('### Pools in the code', '');
    for (const pool of inCode) for (const location of pool.code) out.push(`- **${escapeMarkdown(pool.domain ?? pool.database)}**: ${codeLine(location, input)}`);
    out.push('');
  }

  const withApp = server.pools.filter((pool) => pool.app?.length);
  if (withApp.length) {
    out.push('### In the running app', '', 'From the Pool Lens runtime companion of each running process (`pool-lens/runtime`).', '');
    for (const pool of withApp) for (const app of pool.app ?? []) out.push(...appLines(pool, app, input));
    out.push('');
  }

  const recommendations = recommendationLines(server, input);
  if (recommendations.length || server.sizing?.warnings.length) {
    out.push('### Recommendations', '');
    for (const line of recommendations) out.push(`- ${line}`);
    for (const warning of server.sizing?.warnings ?? []) out.push(`- ⚠ ${escapeMarkdown(warning)}`);
    out.push('');
  }
  if (server.sizing) {
    out.push('### Sizing arithmetic', '', codeBlock(server.sizing.lines.join('\n'), 'text'), '');
  }
  return out;
}

/** One line per configured pool whose `max` should change, naming the file and line to change. */
function recommendationLines(server: ReportedServer, input: InspectMarkdownInput): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const pool of server.pools) {
    if (pool.domain === undefined || pool.recommendedMax === undefined || seen.has(pool.domain)) continue;
    seen.add(pool.domain);
    const instances = input.instances(pool.domain);
    const assumption = `${plural(instances, 'instance')} running it`;
    if (pool.code.length === 0) {
      lines.push(`**${escapeMarkdown(pool.domain)}**: \`max: ${pool.recommendedMax}\` per instance (${assumption}); its \`new Pool()\` was not found in the code.`);
      continue;
    }
    for (const location of pool.code) {
      const where = codeLine(location, input, false);
      lines.push(
        location.max === pool.recommendedMax
          ? `**${escapeMarkdown(pool.domain)}**: keep \`max: ${location.max}\` in ${where} (${assumption}).`
          : `**${escapeMarkdown(pool.domain)}**: set \`max: ${pool.recommendedMax}\` in ${where}, now ${location.max === 'unknown' ? 'computed at run time' : location.max} (${assumption}).`,
      );
    }
  }
  return lines;
}

/** One running process's view of a pool: its counters, the checkouts held too long, and whether its max is too small. */
function appLines(pool: ReportedPool, app: ReportedAppPool, input: InspectMarkdownInput): string[] {
  const lines = [
    `- **${escapeMarkdown(pool.domain ?? app.name)}** in process ${app.pid}: ${app.checkedOut} checked out · ${app.idleCount} idle · ${app.waitingCount} waiting · ${app.totalCount} open of max ${app.max}; ` +
      `peak ${app.peakCheckedOut} checked out and ${app.peakWaiting} waiting at once, ${plural(app.checkoutsTotal, 'checkout')} so far.`,
  ];
  for (const checkout of app.longCheckouts) {
    const place = checkout.place ?? `checkout #${checkout.id}`;
    const target = checkout.file && checkout.line !== undefined && input.fileLink ? input.fileLink(checkout.file, checkout.line) : undefined;
    const shown = target ? `[${escapeMarkdown(place)}](${target.replace(/[()\s]/g, encodeURIComponent)})` : `\`${place}\``;
    lines.push(`  - ⚠ held for ${formatAge(checkout.ageMs)}, taken at ${shown}${checkout.backendPid !== undefined ? ` (server pid ${checkout.backendPid})` : ''}`);
  }
  if (app.maxTooSmall) lines.push(`  - ⚠ ${escapeMarkdown(app.maxTooSmall)}`);
  return lines;
}

function sessions(pool: ReportedPool, usable: number): string {
  const c = pool.counts;
  const parts = [
    [c.active, 'active'],
    [c.idle, 'idle'],
    [c.idleInTransaction + c.idleInTransactionAborted, 'idle in transaction'],
    [c.waitingOnLock, 'waiting on a lock'],
    [c.hidden, 'hidden'],
  ]
    .filter(([count]) => (count as number) > 0)
    .map(([count, label]) => `${count} ${label}`);
  return `${c.total} (${formatShare(c.total, usable)} of usable)${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** The leaks of a pool now, by the same thresholds the Pools view uses. */
export function leaks(pool: ReportedPool, thresholds: Thresholds): string[] {
  const found: string[] = [];
  const { leaks: l } = pool;
  if (l.idleInTransaction > 0 && l.oldestIdleInTransactionMs !== null && l.oldestIdleInTransactionMs >= thresholds.idleInTransactionWarnMs) {
    found.push(`⚠ ${plural(l.idleInTransaction, 'session')} idle in transaction, the oldest for ${formatAge(l.oldestIdleInTransactionMs)} (pid ${l.oldestIdleInTransactionPid}).`);
  }
  if (l.idleStale > 0) found.push(`⚠ ${plural(l.idleStale, 'session')} idle for over ${formatAge(l.staleAfterMs)}: a checkout never released?`);
  if (pool.longestQueryMs !== null && pool.longestQueryMs >= thresholds.longQueryWarnMs) found.push(`⚠ a query running for ${formatAge(pool.longestQueryMs)}.`);
  if (pool.counts.waitingOnLock > 0) found.push(`${plural(pool.counts.waitingOnLock, 'session')} waiting on a lock.`);
  return found;
}

/** `file:line` (linked when possible) with the pool's max, timeouts and application_name from the code. */
function codeLine(location: CodeLocation, input: InspectMarkdownInput, details = true): string {
  const pool = input.discovered.find((p) => p.file === location.file && p.line === location.line);
  const label = `${location.file}:${location.line}`;
  const target = pool && input.link ? input.link(pool) : undefined;
  const place = target ? `[${escapeMarkdown(label)}](${target.replace(/[()\s]/g, encodeURIComponent)})` : `\`${label}\``;
  if (!details || !pool) return place;
  const o = pool.options;
  return [
    place,
    `max ${option(o.max, 'not set (pg default 10)')}`,
    `idleTimeoutMillis ${option(o.idleTimeoutMillis, 'not set (pg default 10000)')}`,
    `connectionTimeoutMillis ${option(o.connectionTimeoutMillis, 'not set (waits forever)')}`,
    `application_name ${option(o.applicationName, 'not set')}`,
  ].join(' · ');
}

function option<T>(value: OptionValue<T>, absent: string): string {
  switch (value.kind) {
    case 'literal':
      return typeof value.value === 'string' ? `'${escapeMarkdown(value.value)}'` : String(value.value);
    case 'unknown':
      return `\`${value.text.replace(/`/g, "'").replace(/\s+/g, ' ').slice(0, 60)}\` (computed at run time)`;
    case 'absent':
      return absent;
  }
}

/** Text for a table cell: Markdown escaped, pipes and line breaks made harmless. */
function cell(text: string): string {
  return escapeMarkdown(text).replace(/\n/g, ' ');
}
