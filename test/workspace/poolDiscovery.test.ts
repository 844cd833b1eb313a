import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { candidateDomains, discoverPools, domainOf } from '../../src/workspace/poolDiscovery';

describe('discoverPools', () => {
  let folder: string;

  before(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-discovery-'));
    const write = async (file: string, text: string) => {
      await fs.mkdir(path.dirname(path.join(folder, file)), { recursive: true });
      await fs.writeFile(path.join(folder, file), text);
    };
    await write('src/db/blog.ts', `import { Pool } from 'pg';\nexport const blog = new Pool({ host: process.env.BLOG_DB_HOST, database: process.env.BLOG_DB_NAME, max: 20 });\n`);
    await write('src/db/market.js', `const pg = require('pg');\n\nmodule.exports = new pg.Pool({\n  host: process.env.MARKET_DB_HOST,\n  user: process.env.MARKET_DB_USER,\n  application_name: 'market-api',\n});\n`);
    await write('src/db/audit_log.ts', `import { Pool } from 'pg';\nexport const audit = new Pool({ host: process.env.AUDIT_LOG_DB_HOST });\n`);
    await write('scripts/local.ts', `import { Pool } from 'pg';\nconst pool = new Pool();\n`);
    await write('src/broken.ts', `import { Pool } from 'pg';\nconst p = new Pool({ max: });\n`);
    await write('node_modules/lib/index.js', `const { Pool } = require('pg');\nnew Pool({ host: process.env.LIB_DB_HOST });\n`);
  });
  after(async () => fs.rm(folder, { recursive: true, force: true }));

  it('lists every pool with its position and the domain its env variables name', async () => {
    const { pools, unparsable } = await discoverPools(folder);
    assert.deepEqual(
      pools.map((p) => [p.file, p.line, p.column, p.domain?.name, p.domain?.envPrefix]),
      [
        ['scripts/local.ts', 2, 14, undefined, undefined],
        ['src/db/audit_log.ts', 2, 22, 'audit-log', 'AUDIT_LOG_DB_'],
        ['src/db/blog.ts', 2, 21, 'blog', 'BLOG_DB_'],
        ['src/db/market.js', 3, 18, 'market', 'MARKET_DB_'],
      ],
    );
    assert.deepEqual(unparsable, ['src/broken.ts']);
    assert.deepEqual(candidateDomains(pools), [
      { name: 'audit-log', envPrefix: 'AUDIT_LOG_DB_' },
      { name: 'blog', envPrefix: 'BLOG_DB_' },
      { name: 'market', envPrefix: 'MARKET_DB_' },
    ]);
  });

  it('takes the prefix most of the variables share', () => {
    const reads = (...names: string[]) => ({ envReads: names.map((name) => ({ name, option: undefined, range: [0, 0] as [number, number] })) });
    assert.deepEqual(domainOf(reads('SHOP_DB_HOST', 'SHOP_DB_USER', 'LEGACY_DB_PASSWORD')), { name: 'shop', envPrefix: 'SHOP_DB_' });
    assert.equal(domainOf(reads('PGHOST', 'DATABASE_URL')), undefined);
  });
});
