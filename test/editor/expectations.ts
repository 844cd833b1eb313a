import * as vscode from 'vscode';

/** One squiggle a fixture file must show, where DESIGN.md says each rule reports. */
export interface ExpectedFinding {
  file: string;
  ruleId: string;
  severity: vscode.DiagnosticSeverity;
  /** Zero-based, as the editor shows them minus one: [line, character, endLine, endCharacter]. */
  range: [number, number, number, number];
  /** The text under the squiggle. */
  text: string;
  /** Words the message must contain, so a user learns what is wrong. */
  messageIncludes: string;
  /** Each quick-fix the rule offers, by title, with the whole file after applying it. */
  fixes: Array<{ title: string; output: string }>;
}

/** The workspace's .vscode/settings.json raises pool-per-request to `error`; the others run at their defaults. */
export const EXPECTED: readonly ExpectedFinding[] = [
  {
    file: 'src/leakedClient.ts',
    ruleId: 'leaked-client',
    severity: vscode.DiagnosticSeverity.Warning,
    range: [6, 23, 6, 37],
    text: 'pool.connect()',
    messageIncludes: 'client.query() on line 8 throws',
    fixes: [
      {
        title: 'Release the client in a finally block',
        output: [
          "import { Pool } from 'pg';",
          '',
          "const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'users-api' });",
          "pool.on('error', (error) => console.error('idle client error', error));",
          '',
          'export async function countUsers(): Promise<number> {',
          '  const client = await pool.connect();',
          '  try {',
          "    const result = await client.query('SELECT count(*) FROM users');",
          '    return Number(result.rows[0].count);',
          '  } finally {',
          '    client.release();',
          '  }',
          '}',
          '',
        ].join('\n'),
      },
      {
        title: 'Use pool.query() instead',
        output: [
          "import { Pool } from 'pg';",
          '',
          "const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'users-api' });",
          "pool.on('error', (error) => console.error('idle client error', error));",
          '',
          'export async function countUsers(): Promise<number> {',
          "  const result = await pool.query('SELECT count(*) FROM users');",
          '  return Number(result.rows[0].count);',
          '}',
          '',
        ].join('\n'),
      },
    ],
  },
  {
    file: 'src/perRequest.ts',
    ruleId: 'pool-per-request',
    severity: vscode.DiagnosticSeverity.Error,
    range: [6, 15, 6, 89],
    text: "new Pool({ connectionTimeoutMillis: 5000, application_name: 'users-api' })",
    messageIncludes: 'every request',
    fixes: [
      {
        title: 'Move the pool to module scope',
        output: [
          "import express from 'express';",
          "import { Pool } from 'pg';",
          '',
          'const app = express();',
          '',
          "const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'users-api' });",
          '',
          "app.get('/users', async (_req, res) => {",
          "  const { rows } = await pool.query('SELECT id, name FROM users');",
          '  res.json(rows);',
          '});',
          '',
          'app.listen(3000);',
          '',
        ].join('\n'),
      },
    ],
  },
  {
    // The same `new Pool()` as pool-per-request's: a pool made per request has no listener either.
    file: 'src/perRequest.ts',
    ruleId: 'missing-error-handler',
    severity: vscode.DiagnosticSeverity.Warning,
    range: [6, 15, 6, 89],
    text: "new Pool({ connectionTimeoutMillis: 5000, application_name: 'users-api' })",
    messageIncludes: "no 'error' listener",
    fixes: [
      {
        title: "Add a pool.on('error') listener that logs the error",
        output: [
          "import express from 'express';",
          "import { Pool } from 'pg';",
          '',
          'const app = express();',
          '',
          "app.get('/users', async (_req, res) => {",
          "  const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'users-api' });",
          "  pool.on('error', (err) => {",
          "    console.error('Unexpected error on idle PostgreSQL client', err);",
          '  });',
          "  const { rows } = await pool.query('SELECT id, name FROM users');",
          '  res.json(rows);',
          '});',
          '',
          'app.listen(3000);',
          '',
        ].join('\n'),
      },
    ],
  },
  {
    file: 'scripts/backfill.ts',
    ruleId: 'script-without-end',
    severity: vscode.DiagnosticSeverity.Warning,
    range: [2, 13, 2, 92],
    text: "new Pool({ connectionTimeoutMillis: 5000, application_name: 'users-backfill' })",
    messageIncludes: 'never calls pool.end()',
    fixes: [
      {
        title: 'End the pool when the script finishes',
        output: [
          "import { Pool } from 'pg';",
          '',
          "const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'users-backfill' });",
          "pool.on('error', (error) => console.error('idle client error', error));",
          '',
          'async function main(): Promise<void> {',
          "  const { rowCount } = await pool.query('UPDATE users SET active = true WHERE active IS NULL');",
          '  console.log(`backfilled ${rowCount} users`);',
          '}',
          '',
          'main().catch((error) => {',
          '  console.error(error);',
          '  process.exitCode = 1;',
          '}).finally(() => pool.end());',
          '',
        ].join('\n'),
      },
    ],
  },
  {
    file: 'src/poolConfig.ts',
    ruleId: 'pool-config',
    severity: vscode.DiagnosticSeverity.Warning,
    range: [3, 2, 3, 28],
    text: 'connectionTimeoutMillis: 0',
    messageIncludes: 'means no timeout',
    fixes: [
      {
        title: 'Set connectionTimeoutMillis to 5000',
        output: [
          "import { Pool } from 'pg';",
          '',
          'export const pool = new Pool({',
          '  connectionTimeoutMillis: 5000,',
          "  application_name: 'users-api',",
          '});',
          "pool.on('error', (error) => console.error('idle client error', error));",
          '',
        ].join('\n'),
      },
    ],
  },
];

/** Correct code: a client released in `finally`. */
export const CLEAN_FILE = 'src/released.ts';
/** A file with a syntax error from the start. */
export const UNPARSABLE_FILE = 'src/unparsable.ts';
