import * as assert from 'node:assert/strict';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { clientMentions } from '../../src/core/clientMentions';
import { isReference, referencesTo } from '../../src/core/functions';
import { parseSource } from '../../src/core/parse';
import { isReleaseCall, isReleaseReference, releaseSites, type TrackedClient } from '../../src/core/clientUse';
import { linkParents, walk } from '../../src/core/traverse';

/**
 * The checkout flow trusts `clientMentions` to answer "no" only where a walk of the subtree would find
 * nothing: a wrong "no" would silently drop a release or a mention and change findings. Each case is
 * checked at every node of the scope against the walks it stands in for.
 */
const CASES: Array<{ name: string; code: string; client: TrackedClient }> = [
  {
    name: 'releases through casts, optional calls, computed names and bind',
    code: `async function f(pool) {
  const client = await pool.connect();
  try { await (client as any).query('x'); } finally { client!.release(); }
  client?.release();
  (client as PoolClient)['release']();
  setTimeout(client.release.bind(client), 10);
  stream.on('end', () => { client.release(); });
  const other = { client, release: client.query };
  return typeof client;
}`,
    client: { name: 'client', releaseFunctions: new Set() },
  },
  {
    name: 'callback style with done, a local releaser and a shadowing parameter',
    code: `function g(pool) {
  pool.connect((err, client, done) => {
    function cleanup() { done(); }
    if (err) return cleanup();
    client.query('SELECT 1', (queryError, result) => { done(queryError); });
    [1, 2].map((client) => client + 1);
    emitter.once('x', done);
  });
}`,
    client: { name: 'client', releaseFunctions: new Set(['done', 'cleanup']) },
  },
  {
    name: 'no mention at all',
    code: `export function h(x) { return x.map((y) => y * 2).filter(Boolean); }`,
    client: { name: 'client', releaseFunctions: new Set() },
  },
];

function mentionsByWalk(root: TSESTree.Node, client: TrackedClient): boolean {
  let found = false;
  walk(root, (node) => {
    if (node.type === 'Identifier' && isReference(node) && (node.name === client.name || client.releaseFunctions.has(node.name))) found = true;
  });
  return found;
}

function releasesByWalk(root: TSESTree.Node, client: TrackedClient): boolean {
  let found = false;
  walk(root, (node) => {
    if (isReleaseCall(node, client) || isReleaseReference(node, client)) found = true;
  });
  return found;
}

describe('clientMentions', () => {
  for (const { name, code, client } of CASES) {
    it(`answers as the walks would, at every node: ${name}`, () => {
      const ast = parseSource(code, 'case.ts');
      const nodes = linkParents(ast);
      const mentions = clientMentions(ast, client);
      for (const node of nodes) {
        const where = `${node.type} at ${node.range.join('-')}`;
        if (mentionsByWalk(node, client)) assert.ok(mentions.mayMention(node), `mayMention said no at ${where}`);
        if (releasesByWalk(node, client)) assert.ok(mentions.mayRelease(node), `mayRelease said no at ${where}`);
        assert.deepEqual(releaseSites(node, client, mentions), releaseSites(node, client), `release sites differ at ${where}`);
        // Asked of statements, functions and regions only: a shorthand `{ client }`'s key and value share one range.
        if (node.type === 'Identifier') continue;
        const expected = client.name === undefined ? [] : referencesTo(client.name, node);
        assert.deepEqual(
          [...mentions.clientReferences(node)].sort((a, b) => a.range[0] - b.range[0]),
          expected.sort((a, b) => a.range[0] - b.range[0]),
          `references differ at ${where}`,
        );
      }
    });
  }

  it('says no for a subtree without the client, so the flow skips it', () => {
    const ast = parseSource(CASES[2].code, 'case.ts');
    linkParents(ast);
    const mentions = clientMentions(ast, CASES[2].client);
    assert.equal(mentions.mayMention(ast), false);
    assert.equal(mentions.mayRelease(ast), false);
  });
});
