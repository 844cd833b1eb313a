import type { StateCounts } from '../pg/model';
import type { InspectReport, ReportedPool } from '../pg/inspectReport';

/** The report as text for a terminal. */
export function formatReportText(report: InspectReport): string {
  const out: string[] = [];
  if (report.source === 'code') out.push('poolLens.pools is empty: inspecting the pools found in the code.');
  for (const server of report.servers) {
    if (server.status === 'error') {
      out.push(`${server.key}  unavailable: ${server.error}`);
    } else {
      const c = server.capacity!;
      out.push(
        `${server.key}  PostgreSQL ${server.version}  ${c.used} of ${c.usable} usable connections in use (max_connections ${c.maxConnections} − ${c.superuserReserved} superuser-reserved − ${c.reserved} reserved)`,
      );
    }
    for (const pool of server.pools) {
      const app = pool.applicationName === undefined ? '' : `  app ${pool.applicationName === '' ? '(none)' : pool.applicationName}`;
      out.push(`  ${pool.domain ?? 'other'}  database ${pool.database}${app}  user ${pool.user}`);
      if (server.status === 'ok') {
        out.push(`    sessions  ${describeCounts(pool.counts)}`);
        out.push(`    leaks now ${describeLeaks(pool)}`);
        if (pool.longestQueryMs !== null) out.push(`    longest running query ${duration(pool.longestQueryMs)}`);
      }
      for (const app of pool.app ?? []) {
        out.push(
          `    app       process ${app.pid}: ${app.checkedOut} checked out, ${app.idleCount} idle, ${app.waitingCount} waiting, ${app.totalCount} open of max ${app.max}; peak ${app.peakCheckedOut} checked out, ${app.peakWaiting} waiting`,
        );
        for (const checkout of app.longCheckouts) {
          out.push(`    held      ${duration(checkout.ageMs)} at ${checkout.place ?? `checkout #${checkout.id}`}${checkout.backendPid !== undefined ? ` (server pid ${checkout.backendPid})` : ''}`);
        }
        if (app.maxTooSmall) out.push(`    warning   ${app.maxTooSmall}`);
      }
      if (pool.code.length > 0) out.push(`    code      ${pool.code.map((c) => `${c.file}:${c.line} (max ${c.max})`).join(', ')}`);
      if (pool.recommendedMax !== undefined) out.push(`    max       recommended ${pool.recommendedMax}`);
    }
    if (server.canReadAllStats === false) {
      out.push(`  note: the monitor's role cannot read other roles' session states; GRANT pg_read_all_stats TO it to see them.`);
    }
    if (server.sizing) {
      out.push('  sizing');
      for (const line of server.sizing.lines) out.push(`    ${line}`);
      for (const warning of server.sizing.warnings) out.push(`  warning: ${warning}`);
    }
  }
  for (const error of report.domainErrors) out.push(`error: ${error}`);
  if (report.otherCode.length > 0) {
    out.push(`pools in the code that match no inspected domain: ${report.otherCode.map((c) => `${c.file}:${c.line}`).join(', ')}`);
  }
  for (const warning of report.warnings) out.push(`warning: ${warning}`);
  return `${out.join('\n')}\n`;
}

function describeCounts(counts: StateCounts): string {
  const parts = [
    [counts.active, 'active'],
    [counts.idle, 'idle'],
    [counts.idleInTransaction, 'idle in transaction'],
    [counts.idleInTransactionAborted, 'idle in transaction (aborted)'],
    [counts.waitingOnLock, 'waiting on a lock'],
    [counts.hidden, 'hidden (no pg_read_all_stats)'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, label]) => `${n} ${label}`);
  return `${counts.total} total${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

function describeLeaks(pool: ReportedPool): string {
  const parts: string[] = [];
  const { leaks } = pool;
  if (leaks.idleInTransaction > 0) {
    const oldest = leaks.oldestIdleInTransactionMs === null ? '' : ` (oldest transaction open ${duration(leaks.oldestIdleInTransactionMs)}, pid ${leaks.oldestIdleInTransactionPid})`;
    parts.push(`${leaks.idleInTransaction} idle in transaction${oldest}: COMMIT or ROLLBACK missing?`);
  }
  if (leaks.idleStale > 0) parts.push(`${leaks.idleStale} idle for over ${duration(leaks.staleAfterMs)}: checked out and never released?`);
  return parts.length ? parts.join('; ') : 'none seen';
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
