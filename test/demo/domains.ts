/**
 * The demo's domains: one database each on one embedded server, each with its own role and an
 * `application_name` that the demo workspace's code uses too (test/fixtures/demo-workspace/src/db/),
 * so the sessions of the load and the pools in the code line up in the Pools view and Inspect Pools.
 */
export interface DemoDomain {
  /** The name in `poolLens.pools`. */
  name: string;
  database: string;
  role: string;
  applicationName: string;
  /** `<prefix>HOST PORT NAME USER PASSWORD` in the workspace's `.env`. */
  envPrefix: string;
}

export const DEMO_DOMAINS: readonly DemoDomain[] = [
  { name: 'blog', database: 'blog', role: 'blog_app', applicationName: 'blog-api', envPrefix: 'BLOG_DB_' },
  { name: 'market', database: 'market', role: 'market_app', applicationName: 'market-api', envPrefix: 'MARKET_DB_' },
  { name: 'cache', database: 'cache', role: 'cache_app', applicationName: 'cache-worker', envPrefix: 'CACHE_DB_' },
];

/** Where the demo's server listens and how each domain's role logs in. */
export interface DemoConnection {
  host: string;
  port: number;
  /** Password of each domain's role, by domain name (random per run). */
  passwords: ReadonlyMap<string, string>;
}
