import * as assert from 'node:assert/strict';
import { PoolsTreeModel, type Thresholds } from '../../src/extension/poolsTreeModel';
import type { TlsSettings } from '../../src/pg/tls';
import { counts, okServer, pool, snapshotOf } from './snapshots';

const thresholds: Thresholds = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: 15_000 };

/** The server node of a one-server tree whose monitor connects as `blog` with these TLS settings. */
function serverNode(tls: TlsSettings | undefined, encrypted?: boolean) {
  const blog = pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ idle: 2 }) });
  const server = okServer([blog], { domains: ['blog'], monitorDomain: 'blog', ...(encrypted !== undefined ? { encrypted } : {}) });
  const model = new PoolsTreeModel({ snapshot: snapshotOf(server), problems: [], thresholds, ...(tls ? { domainTls: { blog: tls } } : {}) });
  const [root] = model.roots();
  const view = model.view(root);
  // The tooltip is Markdown: compare the text a user reads, without the escapes.
  return { ...view, tooltip: view.tooltip.replace(/\\(.)/g, '$1') };
}

describe('Pools tree: whether the server certificate is verified', () => {
  for (const tls of [
    { mode: 'no-verify', modeSource: 'BLOG_DB_SSLMODE' },
    { mode: 'require', modeSource: 'poolLens.pools[0].connectionString' },
    { mode: 'prefer', modeSource: 'BLOG_DB_SSLMODE' },
    { mode: 'allow', modeSource: 'PGSSLMODE' },
  ] satisfies TlsSettings[]) {
    it(`marks the server "TLS not verified" with sslmode ${tls.mode}${tls.modeSource ? ` from ${tls.modeSource}` : ' (default)'}`, () => {
      const view = serverNode(tls);
      assert.equal(view.description, '3 / 97 · TLS not verified');
      assert.match(view.tooltip, new RegExp(`TLS not verified: with sslmode '${tls.mode}' \\(${tls.modeSource ? escape(tls.modeSource) : 'the default'}\\)`));
      assert.match(view.tooltip, /Use verify-full/);
    });
  }

  it('says that prefer and allow may not encrypt at all, since they fall back to plain text', () => {
    assert.match(serverNode({ mode: 'prefer', modeSource: 'BLOG_DB_SSLMODE' }).tooltip, /encrypted only if the server offers TLS/);
    assert.match(serverNode({ mode: 'allow', modeSource: 'PGSSLMODE' }).tooltip, /encrypted only if the server offers TLS/);
    assert.doesNotMatch(serverNode({ mode: 'no-verify', modeSource: 'PGSSLMODE' }).tooltip, /only if the server offers TLS/);
  });

  it('shows no marker when no sslmode is set and the connection is TLS: the default verifies the certificate', () => {
    const view = serverNode({ mode: 'prefer' }, true);
    assert.equal(view.description, '3 / 97');
    assert.match(view.tooltip, /TLS verified when the server offers it: with no sslmode set, the certificate and the host name are checked/);
  });

  it('marks a server "not encrypted" when no sslmode is set and the server offered no TLS', () => {
    const view = serverNode({ mode: 'prefer' }, false);
    assert.equal(view.description, '3 / 97 · not encrypted');
    assert.match(view.tooltip, /Not encrypted: no sslmode is set and the server offers no TLS/);
  });

  it('marks a server with sslmode disable "not encrypted"', () => {
    const view = serverNode({ mode: 'disable', modeSource: 'BLOG_DB_SSLMODE' });
    assert.equal(view.description, '3 / 97 · not encrypted');
    assert.match(view.tooltip, /Not encrypted: sslmode 'disable' \(BLOG_DB_SSLMODE\)/);
  });

  for (const tls of [
    { mode: 'verify-full', modeSource: 'BLOG_DB_SSLMODE' },
    { mode: 'verify-ca', rootCertPath: '/etc/ca.pem', modeSource: 'BLOG_DB_SSLMODE' },
    { mode: 'require', rootCertPath: '/etc/ca.pem', modeSource: 'BLOG_DB_SSLMODE' },
  ] satisfies TlsSettings[]) {
    it(`shows no marker when ${tls.mode}${tls.rootCertPath ? ' with a CA file' : ''} verifies the certificate, and says so in the tooltip`, () => {
      const view = serverNode(tls);
      assert.equal(view.description, '3 / 97');
      assert.match(view.tooltip, /TLS verified: the certificate/);
      assert.doesNotMatch(view.tooltip, /not verified/);
    });
  }

  it('follows the domain the monitor connected as, not the first one configured', () => {
    const blog = pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ idle: 1 }) });
    const shop = pool({ domain: 'shop', database: 'shop', applicationName: 'shop-api', counts: counts({ idle: 1 }) });
    const server = okServer([blog, shop], { domains: ['blog', 'shop'], monitorDomain: 'shop' });
    const domainTls: Record<string, TlsSettings> = { blog: { mode: 'verify-full' }, shop: { mode: 'no-verify', modeSource: 'SHOP_DB_SSLMODE' } };
    const model = new PoolsTreeModel({ snapshot: snapshotOf(server), problems: [], thresholds, domainTls });
    assert.equal(model.view(model.roots()[0]).description, '3 / 97 · TLS not verified');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
