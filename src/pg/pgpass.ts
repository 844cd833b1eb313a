/**
 * `~/.pgpass` as libpq reads it: `hostname:port:database:username:password` per line, `*` matching
 * anything in the first four fields, `\:` and `\\` escapes, `#` comment lines. The first matching
 * line wins.
 */

export interface PgpassEntry {
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
}

export interface PgpassTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

export function parsePgpass(text: string): PgpassEntry[] {
  const entries: PgpassEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const fields = splitFields(raw);
    // libpq ignores lines with fewer than five fields; a ':' in the password needs no escape.
    if (fields.length < 5) continue;
    const [host, port, database, user, ...password] = fields;
    entries.push({ host, port, database, user, password: password.join(':') });
  }
  return entries;
}

export function findPgpassPassword(entries: readonly PgpassEntry[], target: PgpassTarget): string | undefined {
  const matches = (pattern: string, value: string) => pattern === '*' || pattern === value;
  return entries.find(
    (entry) =>
      matches(entry.host, target.host) &&
      matches(entry.port, String(target.port)) &&
      matches(entry.database, target.database) &&
      matches(entry.user, target.user),
  )?.password;
}

function splitFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
    } else if (c === ':') {
      fields.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  fields.push(current);
  return fields;
}
