import assert from 'node:assert/strict';
import { attributeDomain } from '../../src/pg/attribution';

const row = (database: string, applicationName: string, user = 'app') => ({ database, applicationName, user });

describe('attributeDomain', () => {
  it('uses the database when only one domain lives in it', () => {
    const domains = [{ name: 'blog', database: 'blog', user: 'blog_app' }, { name: 'market', database: 'market', user: 'market_app' }];
    assert.equal(attributeDomain(domains, row('blog', 'psql')), 'blog');
    assert.equal(attributeDomain(domains, row('other', 'blog-api')), undefined);
  });

  it('tells domains sharing a database apart by applicationName, then user, then name in the application_name', () => {
    const byApp = [
      { name: 'api', database: 'shop', user: 'shop', applicationName: 'shop-api' },
      { name: 'jobs', database: 'shop', user: 'shop', applicationName: 'shop-jobs' },
    ];
    assert.equal(attributeDomain(byApp, row('shop', 'shop-jobs')), 'jobs');
    assert.equal(attributeDomain(byApp, row('shop', 'psql')), undefined, 'an explicit applicationName claims only its sessions');

    const byUser = [{ name: 'api', database: 'shop', user: 'api_user' }, { name: 'jobs', database: 'shop', user: 'jobs_user' }];
    assert.equal(attributeDomain(byUser, row('shop', 'node', 'jobs_user')), 'jobs');

    const byName = [{ name: 'api', database: 'shop', user: 'shop' }, { name: 'jobs', database: 'shop', user: 'shop' }];
    assert.equal(attributeDomain(byName, row('shop', 'shop-jobs-worker', 'shop')), 'jobs');
    assert.equal(attributeDomain(byName, row('shop', 'node', 'shop')), undefined, 'no guess when nothing decides');
  });
});
