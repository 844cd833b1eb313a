import assert from 'node:assert/strict';
import { findPoolOptions, type OptionValue } from '../../src/core/poolOptions';

function value<T>(option: OptionValue<T>): T | 'unknown' | 'absent' {
  return option.kind === 'literal' ? option.value : option.kind;
}

function summary(code: string, fileName = 'db.ts') {
  return findPoolOptions(code, fileName).map((pool) => ({
    max: value(pool.max),
    idleTimeoutMillis: value(pool.idleTimeoutMillis),
    connectionTimeoutMillis: value(pool.connectionTimeoutMillis),
    applicationName: value(pool.applicationName),
    env: pool.envReads.map((read) => `${read.option ?? '?'}=${read.name}`),
    partial: pool.partial,
  }));
}

describe('findPoolOptions', () => {
  it('reads literal options and the environment variables of each option', () => {
    const code = `import { Pool } from 'pg';
export const blog = new Pool({
  host: process.env.BLOG_DB_HOST,
  port: Number(process.env['BLOG_DB_PORT'] ?? 5432),
  database: process.env.BLOG_DB_NAME,
  max: 20,
  idleTimeoutMillis: 30 * 1000,
  connectionTimeoutMillis: 2_000,
  application_name: 'blog-api',
});`;
    assert.deepEqual(summary(code), [
      {
        max: 20,
        idleTimeoutMillis: 30000,
        connectionTimeoutMillis: 2000,
        applicationName: 'blog-api',
        env: ['host=BLOG_DB_HOST', 'port=BLOG_DB_PORT', 'database=BLOG_DB_NAME'],
        partial: false,
      },
    ]);
  });

  it('gives the position of the expression and of each value', () => {
    const code = `const { Pool } = require('pg');\nconst pool = new Pool({ max: 7, host: process.env.X_DB_HOST });\n`;
    const [pool] = findPoolOptions(code, 'db.js');
    assert.equal(code.slice(...pool.range), 'new Pool({ max: 7, host: process.env.X_DB_HOST })');
    assert.equal(pool.max.kind === 'literal' && code.slice(...pool.max.range), '7');
    assert.equal(code.slice(...pool.envReads[0].range), 'process.env.X_DB_HOST');
  });

  it('says unknown for values computed at run time and absent for options not given', () => {
    const code = `import pg from 'pg';
const pool = new pg.Pool({ max: Number(process.env.DB_MAX), application_name: \`api-\${process.pid}\` });`;
    assert.deepEqual(summary(code), [
      { max: 'unknown', idleTimeoutMillis: 'absent', connectionTimeoutMillis: 'absent', applicationName: 'unknown', env: ['max=DB_MAX'], partial: false },
    ]);
  });

  it('follows const objects, const values and spreads; an unknown spread makes missing options unknown', () => {
    const code = `import { Pool } from 'pg';
const MAX = 15;
const HOST = process.env.MARKET_DB_HOST;
const base = { host: HOST, max: 5 };
const config = { ...base, max: MAX, application_name: 'market' };
export const market = new Pool(config);
export function make(extra) { return new Pool({ ...extra, max: 3 }); }
export const bare = new Pool();`;
    assert.deepEqual(summary(code), [
      { max: 15, idleTimeoutMillis: 'absent', connectionTimeoutMillis: 'absent', applicationName: 'market', env: ['host=MARKET_DB_HOST'], partial: false },
      { max: 3, idleTimeoutMillis: 'unknown', connectionTimeoutMillis: 'unknown', applicationName: 'unknown', env: [], partial: true },
      { max: 'absent', idleTimeoutMillis: 'absent', connectionTimeoutMillis: 'absent', applicationName: 'absent', env: [], partial: false },
    ]);
  });

  it('reads what an environment-driven number falls back to, and keeps the value unknown', () => {
    const code = `import { Pool } from 'pg';
const IDLE = parseInt(process.env.DB_IDLE_MS || '30000', 10);
export const pool = new Pool({
  max: Number(process.env.DB_MAX ?? '10'),
  idleTimeoutMillis: IDLE,
  connectionTimeoutMillis: Number(process.env.DB_CONNECT_MS) || 2000,
});
export const other = new Pool({ max: Number(process.env.DB_MAX) ?? 10, connectionTimeoutMillis: +process.env.DB_CONNECT_MS || 0 });`;
    const fallbacks = findPoolOptions(code, 'db.ts').map((pool) =>
      [pool.max, pool.idleTimeoutMillis, pool.connectionTimeoutMillis].map((option) =>
        option.kind === 'unknown' ? (option.fallback ? `${option.fallback.variable}=${option.fallback.value}` : 'unknown') : option.kind,
      ),
    );
    assert.deepEqual(fallbacks, [
      ['DB_MAX=10', 'DB_IDLE_MS=30000', 'DB_CONNECT_MS=2000'],
      // Number(undefined) is NaN, never nullish: `?? 10` is no fallback.
      ['unknown', 'absent', 'DB_CONNECT_MS=0'],
    ]);
  });

  it('ignores constructors that are not pg pools', () => {
    assert.deepEqual(summary(`class Pool {}\nconst p = new Pool({ max: 1 });`), []);
    assert.deepEqual(summary(`import { Pool } from 'generic-pool';\nconst p = new Pool({ max: 1 });`), []);
  });
});
