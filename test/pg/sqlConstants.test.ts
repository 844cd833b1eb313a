import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, simpleTraverse, type TSESTree } from '@typescript-eslint/typescript-estree';
import * as queries from '../../src/pg/queries';

/**
 * Every SQL text the monitor sends is constant, read from the source: each export of src/pg/queries.ts
 * is built only from string literals (templates whose pieces are other such constants, or calls of a
 * local helper with literal arguments), and every `.query(…)` call in src/pg passes as its text either a
 * constant imported from queries.ts or a parameter of its own function whose every caller does. Values
 * therefore can only travel as parameters. (secrets.test.ts checks the same at run time.)
 */

const PG_SOURCES = path.resolve(__dirname, '..', '..', 'src', 'pg');

interface Source {
  file: string;
  text: string;
}

type Node = TSESTree.Node;

/** Where SQL text is built from something other than constants; empty when all is well. */
function nonConstantSql(sources: readonly Source[], queriesFile = 'queries.ts'): string[] {
  const problems: string[] = [];
  const trees = sources.map((source) => ({ ...source, ast: parse(source.text, { range: true, loc: true }) }));

  const queriesTree = trees.find((t) => path.basename(t.file) === queriesFile);
  if (!queriesTree) return [`${queriesFile} is missing`];
  const topLevel = new Map<string, Node>();
  for (const statement of queriesTree.ast.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
    if (declaration?.type !== 'VariableDeclaration') continue;
    if (declaration.kind !== 'const') {
      problems.push(`${queriesFile}:${declaration.loc.start.line}: '${declaration.kind}' declaration; SQL text must be const`);
      continue;
    }
    for (const d of declaration.declarations) if (d.id.type === 'Identifier' && d.init) topLevel.set(d.id.name, d.init);
  }

  /** Text made of literals only; `params` are a helper's own parameters, allowed because its calls pass literals. */
  const constant = (node: Node, params: ReadonlySet<string>, seen: Set<string>): boolean => {
    switch (node.type) {
      case 'Literal':
        return typeof node.value === 'string';
      case 'TemplateLiteral':
        return node.expressions.every((e) => constant(e, params, seen));
      case 'BinaryExpression':
        // `#x in obj` has a PrivateIdentifier on the left; it is never text.
        return node.operator === '+' && node.left.type !== ('PrivateIdentifier' as string) && constant(node.left as Node, params, seen) && constant(node.right, params, seen);
      case 'Identifier': {
        if (params.has(node.name)) return true;
        const init = topLevel.get(node.name);
        if (!init || seen.has(node.name)) return false;
        return constant(init, new Set(), new Set([...seen, node.name]));
      }
      case 'CallExpression': {
        if (node.callee.type !== 'Identifier') return false;
        const helper = topLevel.get(node.callee.name);
        if (helper?.type !== 'ArrowFunctionExpression' || helper.body.type === 'BlockStatement') return false;
        const names = new Set(helper.params.flatMap((p) => (p.type === 'Identifier' ? [p.name] : [])));
        return node.arguments.every((a) => a.type !== 'SpreadElement' && constant(a, new Set(), seen)) && constant(helper.body, names, seen);
      }
      default:
        return false;
    }
  };
  for (const statement of queriesTree.ast.body) {
    if (statement.type !== 'ExportNamedDeclaration' || statement.declaration?.type !== 'VariableDeclaration') continue;
    for (const d of statement.declaration.declarations) {
      if (d.id.type === 'Identifier' && d.init && !constant(d.init, new Set(), new Set([d.id.name]))) {
        problems.push(`${queriesFile}:${d.loc.start.line}: ${d.id.name} is not built from constants only`);
      }
    }
  }

  // Call sites: `.query(text, …)` anywhere, and, for a text that is a parameter, every call of that function.
  const calls: Array<{ file: string; imported: Set<string>; call: TSESTree.CallExpression; enclosing: TSESTree.FunctionLike | undefined; name: string }> = [];
  for (const tree of trees) {
    const imported = new Set<string>();
    for (const statement of tree.ast.body) {
      if (statement.type === 'ImportDeclaration' && statement.source.value === `./${queriesFile.replace(/\.ts$/, '')}`) {
        for (const spec of statement.specifiers) if (spec.type === 'ImportSpecifier') imported.add(spec.local.name);
      }
    }
    const functions: TSESTree.FunctionLike[] = [];
    simpleTraverse(tree.ast, {
      enter(node) {
        if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') functions.push(node);
        if (node.type !== 'CallExpression') return;
        const callee = node.callee;
        const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && callee.property.type === 'Identifier' ? callee.property.name : undefined;
        if (!name) return;
        const enclosing = functions.filter((f) => f.range[0] <= node.range[0] && node.range[1] <= f.range[1]).at(-1);
        calls.push({ file: path.basename(tree.file), imported, call: node, enclosing, name });
      },
    }, true);
  }
  const methodName = (fn: TSESTree.FunctionLike): string | undefined => {
    const parent = fn.parent;
    if (parent?.type === 'MethodDefinition' && parent.key.type === 'Identifier') return parent.key.name;
    if (fn.type === 'FunctionDeclaration') return fn.id?.name;
    return undefined;
  };

  const checked = new Set<string>();
  const check = (name: string, index: number) => {
    const key = `${name}#${index}`;
    if (checked.has(key)) return;
    checked.add(key);
    for (const { file, imported, call, enclosing } of calls.filter((c) => c.name === name)) {
      const text = call.arguments[index];
      const where = `${file}:${call.loc.start.line}`;
      if (text?.type === 'Identifier' && imported.has(text.name)) continue;
      const paramIndex = text?.type === 'Identifier' && enclosing ? enclosing.params.findIndex((p) => p.type === 'Identifier' && p.name === text.name) : -1;
      const outer = enclosing ? methodName(enclosing) : undefined;
      if (paramIndex >= 0 && outer) {
        check(outer, paramIndex);
        continue;
      }
      problems.push(`${where}: ${name}() is given SQL text that is not a constant from ${queriesFile}`);
    }
  };
  check('query', 0);
  return problems;
}

function pgSources(): Source[] {
  return readdirSync(PG_SOURCES)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({ file: path.join(PG_SOURCES, name), text: readFileSync(path.join(PG_SOURCES, name), 'utf8') }));
}

describe('Every SQL text the monitor sends is a constant (read from the source)', () => {
  it('src/pg: the exports of queries.ts are built from literals, and every .query() call passes one of them', () => {
    const sources = pgSources();
    assert.deepEqual(nonConstantSql(sources), []);
    // The check saw the call sites it is about: the snapshot, the session list, cancel/terminate and the driver call.
    const queryCalls = sources.reduce((n, s) => n + (s.text.match(/\.query(?:<[^>]*>)?\(/g)?.length ?? 0), 0);
    assert.ok(queryCalls >= 4, `${queryCalls} .query( calls found`);
  });

  it('every export of queries.ts is a string, and values appear as $n placeholders', () => {
    for (const [name, value] of Object.entries(queries)) {
      assert.equal(typeof value, 'string', name);
      if (name !== 'MONITOR_APPLICATION_NAME') assert.match(value as string, /\$1\b/, `${name} takes its values as parameters`);
    }
  });

  it('flags SQL built from a value, a text passed from a caller that builds it, and a non-constant export', () => {
    const queriesText = [
      "export const GOOD = `SELECT 1 WHERE x = $1`;",
      'let shared = "a";',
      'export const BAD = `SELECT ${shared}`;',
      'export const ALSO_BAD = `SELECT ` + String(Date.now());',
    ].join('\n');
    const caller = [
      "import { GOOD } from './queries';",
      'export class C {',
      '  constructor(private client: { query(text: string, values?: unknown[]): unknown }) {}',
      '  byId(id: number) { return this.client.query(`SELECT * FROM t WHERE id = ${id}`); }',
      '  good(id: number) { return this.client.query(GOOD, [id]); }',
      '  run(sql: string) { return this.client.query(sql, []); }',
      "  viaRun(name: string) { return this.run('SELECT ' + name); }",
      '  viaRunGood() { return this.run(GOOD); }',
      '}',
    ].join('\n');
    const problems = nonConstantSql([
      { file: 'queries.ts', text: queriesText },
      { file: 'caller.ts', text: caller },
    ]);
    assert.deepEqual(problems.sort(), [
      "caller.ts:4: query() is given SQL text that is not a constant from queries.ts",
      "caller.ts:7: run() is given SQL text that is not a constant from queries.ts",
      "queries.ts:2: 'let' declaration; SQL text must be const",
      'queries.ts:3: BAD is not built from constants only',
      'queries.ts:4: ALSO_BAD is not built from constants only',
    ]);
  });
});
