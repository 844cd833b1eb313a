import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { keyName, propertyName, unwrap } from './pgModel';

type Node = TSESTree.Node;

/** Words that say "a database pool" and nothing about which one. */
const GENERIC_WORDS = new Set(['pool', 'pools', 'pg', 'db', 'database', 'postgres', 'postgresql', 'client', 'connection', 'conn', 'sql', 'index', 'main', 'src', 'lib', 'the', 'new']);

/**
 * An `application_name` for a pool that has none, so that its sessions can be told apart in
 * `pg_stat_activity`: the name the pool is bound to without the generic words (`blogPool` → `blog`),
 * else the file's or its folder's name (`src/market/db.ts` → `market`), else `app`.
 */
export function suggestApplicationName(creation: TSESTree.NewExpression, fileName: string): string {
  const fromBinding = meaningful(bindingName(creation) ?? '');
  if (fromBinding) return fromBinding;
  const parts = fileName.split(/[\\/]/).filter(Boolean);
  const base = (parts.pop() ?? '').replace(/\.[^.]*$/, '').replace(/\.(?:d|test|spec)$/, '');
  // Two folders up at most: further up the path names the machine's layout, not the app.
  for (const candidate of [base, ...parts.slice(-2).reverse()]) {
    const name = meaningful(candidate);
    if (name) return name;
  }
  return 'app';
}

/** The variable, property or field the new pool is stored in. */
function bindingName(creation: TSESTree.NewExpression): string | undefined {
  let current: Node = creation;
  while (current.parent && unwrap(current.parent) === creation) current = current.parent;
  const parent = current.parent;
  switch (parent?.type) {
    case 'VariableDeclarator':
      return parent.id.type === 'Identifier' ? parent.id.name : undefined;
    case 'AssignmentExpression': {
      const target = unwrap(parent.left);
      if (target.type === 'Identifier') return target.name;
      return target.type === 'MemberExpression' ? propertyName(target) : undefined;
    }
    case 'Property':
    case 'PropertyDefinition':
      return parent.value === current ? keyName(parent.key) : undefined;
    default:
      return undefined;
  }
}

/** Kebab-case words of a name without the generic ones; empty when nothing specific is left. */
function meaningful(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.toLowerCase())
    .filter((word) => word !== '' && !GENERIC_WORDS.has(word));
  return words.join('-');
}
