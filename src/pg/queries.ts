/**
 * Every SQL statement Pool Lens sends, each a constant with the oldest PostgreSQL it runs on. Values
 * always travel as parameters.
 *
 * Sessions are selected with `backend_type = 'client backend' OR (backend_type IS NULL AND usesysid IS
 * NOT NULL)`: a monitor without pg_read_all_stats sees `backend_type` (and `state`) as NULL on other
 * roles' rows, and filtering on `backend_type` alone would silently drop them. Those rows are counted
 * as `hidden` instead.
 */

/** The `application_name` of the monitor's own connections; its sessions are left out of every count. */
export const MONITOR_APPLICATION_NAME = 'pool-lens-monitor';

const CLIENT_SESSIONS = `(a.backend_type = 'client backend' OR (a.backend_type IS NULL AND a.usesysid IS NOT NULL))`;

/** Milliseconds from a timestamp to now, as a JSON-friendly double; NULL stays NULL. */
const msSince = (column: string) => `round(extract(epoch FROM clock_timestamp() - ${column}) * 1000)::float8`;

/**
 * One row per server and refresh: capacity settings, the server version, whether the monitor can read
 * every session, the number of client sessions occupying slots (`used`, the monitor included), and
 * `pools`: a JSON array with one object per (database, application_name, user), the monitor left out.
 *
 * $1 int: an idle session older than this many ms counts as `idle_stale` (a checkout nobody released
 *         looks idle on the server and keeps ageing, while a pool closes its own idle clients).
 * $2 text: the monitor's application_name.
 *
 * Needs PostgreSQL 10 (backend_type, pg_read_all_stats); `reserved_connections` is read with
 * `current_setting(…, true)` (9.6+) and exists from 16, else 0.
 */
export const ACTIVITY_SNAPSHOT = `
WITH sessions AS (
  SELECT a.pid, a.datname, a.usename, a.application_name, a.state, a.wait_event_type,
         a.xact_start, a.query_start, a.state_change
  FROM pg_stat_activity a
  WHERE a.datname IS NOT NULL AND ${CLIENT_SESSIONS}
), pools AS (
  SELECT s.datname AS database, s.application_name, s.usename AS "user",
    count(*) AS total,
    count(*) FILTER (WHERE s.state = 'active') AS active,
    count(*) FILTER (WHERE s.state = 'idle') AS idle,
    count(*) FILTER (WHERE s.state = 'idle in transaction') AS idle_in_transaction,
    count(*) FILTER (WHERE s.state = 'idle in transaction (aborted)') AS idle_in_transaction_aborted,
    count(*) FILTER (WHERE s.wait_event_type = 'Lock') AS waiting_on_lock,
    count(*) FILTER (WHERE s.state IS NULL) AS hidden,
    count(*) FILTER (WHERE s.state = 'idle' AND clock_timestamp() - s.state_change > $1::int * interval '1 millisecond') AS idle_stale,
    max(${msSince('s.xact_start')}) FILTER (WHERE s.state LIKE 'idle in transaction%') AS oldest_idle_in_transaction_ms,
    (array_agg(s.pid ORDER BY s.xact_start) FILTER (WHERE s.state LIKE 'idle in transaction%'))[1] AS oldest_idle_in_transaction_pid,
    max(${msSince('s.query_start')}) FILTER (WHERE s.state = 'active') AS longest_query_ms,
    (array_agg(s.pid ORDER BY s.query_start) FILTER (WHERE s.state = 'active'))[1] AS longest_query_pid,
    max(${msSince('s.state_change')}) FILTER (WHERE s.state = 'idle') AS longest_idle_ms
  FROM sessions s
  WHERE s.pid <> pg_backend_pid() AND s.application_name IS DISTINCT FROM $2::text
  GROUP BY s.datname, s.application_name, s.usename
)
SELECT
  current_setting('server_version') AS server_version,
  current_setting('server_version_num')::int AS server_version_num,
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int AS superuser_reserved_connections,
  coalesce(current_setting('reserved_connections', true)::int, 0) AS reserved_connections,
  (SELECT count(*) FROM sessions)::int AS used,
  current_user AS monitor_user,
  pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS can_read_all_stats,
  coalesce((SELECT json_agg(p ORDER BY p.database, p.application_name, p."user") FROM pools p), '[]'::json) AS pools
`;

/**
 * The sessions of one pool, oldest connection first. `blocked_by` calls pg_blocking_pids only for
 * sessions waiting on a lock, because it briefly takes lock-manager locks. Query text is cut at 1024
 * characters (the server keeps at most track_activity_query_size bytes anyway).
 *
 * $1 text: database; $2 text: application_name; $3 text or NULL: user (NULL: any).
 * Needs PostgreSQL 10 (backend_type); pg_blocking_pids needs 9.6.
 */
export const POOL_SESSIONS = `
SELECT a.pid, a.usename AS "user", a.application_name, host(a.client_addr) AS client_addr,
  a.state, a.wait_event_type, a.wait_event,
  ${msSince('a.backend_start')} AS connected_ms,
  ${msSince('a.xact_start')} AS transaction_ms,
  ${msSince('a.query_start')} AS query_ms,
  ${msSince('a.state_change')} AS state_ms,
  left(a.query, 1024) AS query,
  CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) ELSE '{}'::int[] END AS blocked_by
FROM pg_stat_activity a
WHERE a.datname = $1::text AND a.application_name = $2::text AND ($3::text IS NULL OR a.usename = $3::text)
  AND a.pid <> pg_backend_pid() AND ${CLIENT_SESSIONS}
ORDER BY a.backend_start NULLS LAST, a.pid
`;

/** Cancels the running query of a backend. $1 int: pid. Needs PostgreSQL 8.0. */
export const CANCEL_BACKEND = `SELECT pg_cancel_backend($1::int) AS signalled`;

/** Ends a backend's session. $1 int: pid. Needs PostgreSQL 8.4. */
export const TERMINATE_BACKEND = `SELECT pg_terminate_backend($1::int) AS signalled`;
