import type { DomainConfig } from './domains';

/**
 * Which configured domain a group of sessions belongs to. The database decides when only one domain
 * uses it. When several share a database, a domain's `applicationName` claims exactly its sessions;
 * otherwise the user, then the domain name inside the application_name (`blog-api` → `blog`), must
 * point at exactly one domain, or the sessions stay unattributed rather than guessed.
 */
export function attributeDomain(
  domains: readonly Pick<DomainConfig, 'name' | 'database' | 'user' | 'applicationName'>[],
  row: { database: string; applicationName: string; user: string },
): string | undefined {
  const sameDatabase = domains.filter((d) => d.database === row.database);
  const named = sameDatabase.filter((d) => d.applicationName !== undefined);
  const exact = named.filter((d) => d.applicationName === row.applicationName);
  if (exact.length === 1) return exact[0].name;
  const open = sameDatabase.filter((d) => d.applicationName === undefined);
  if (open.length === 1) return open[0].name;
  if (open.length === 0) return undefined;
  const byUser = open.filter((d) => d.user === row.user);
  if (byUser.length === 1) return byUser[0].name;
  const app = row.applicationName.toLowerCase();
  const byName = open.filter((d) => app.includes(d.name.toLowerCase()));
  return byName.length === 1 ? byName[0].name : undefined;
}
