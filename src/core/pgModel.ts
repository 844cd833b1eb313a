import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { resolveSpecifier, type ProjectFacts } from './project';

type Node = TSESTree.Node;
type Expression = TSESTree.Expression;

const PG_MODULES = new Set(['pg', 'pg-pool']);
/** A name that reads as a pool (`pool`, `pgPool`, `blogPool`), used only when nothing binds it locally. */
const POOL_LIKE_NAME = /(?:^|[a-z0-9_$])pool$/i;

/** Where an imported binding comes from: a module key (relative import) and the export name. */
interface ImportedBinding {
  module: string | undefined;
  exportName: string;
  node: Node;
}

/**
 * Which bindings of one file are pg pools, and which calls are pool calls. Built once per analysis from
 * the parent-linked node list; rules ask it questions instead of re-deriving pg's shapes.
 */
export class PgModel {
  /** Identifiers bound to the `Pool` class (`import { Pool } from 'pg'`, `const { Pool } = require('pg')`). */
  readonly poolClassNames = new Set<string>();
  /** Identifiers bound to the pg module (`import pg from 'pg'`, `const pg = require('pg')`). */
  readonly pgNamespaces = new Set<string>();
  /** Local names of pools (`const pool = new Pool()`, `let pool; pool = new Pool()`, `pool: Pool` parameters). */
  readonly poolNames = new Set<string>();
  /** Property names that hold pools (`this.pool = new Pool()`, `{ pool: new Pool() }`, `globalThis.pgPool ??= …`). */
  readonly poolProperties = new Set<string>();
  /** Functions that return a new pool or a pool (`function getPool() { return pool }`). */
  readonly poolFactories = new Set<string>();
  /** Every `new Pool(...)` in the file, in source order. */
  readonly poolCreations: TSESTree.NewExpression[] = [];
  /** Names imported from other project modules that hold pools, with the import that brings each. */
  readonly importedPools = new Map<string, Node>();
  /** Export names under which this file exports a pool (`default` for a default export). */
  readonly exportedPools = new Set<string>();
  /** Re-exports: `export { pool } from './db'`, `export * from './db'`. */
  readonly reexports: Array<{ from: string; names: Array<[exported: string, imported: string]> | '*' }> = [];
  /** Names bound locally to something that is not a pool, so the name heuristic must not apply. */
  private readonly boundToOther = new Set<string>();
  private readonly imports = new Map<string, ImportedBinding>();
  private readonly namespaceImports = new Map<string, string>();

  constructor(
    nodes: readonly Node[],
    private readonly fileName: string,
    private readonly project: ProjectFacts | undefined,
  ) {
    // One pass over every node; the later passes need the bindings complete and only visit the few
    // node types they look at (three full passes cost as much as linking the parents).
    const poolCandidates: Node[] = [];
    const exportCandidates: Node[] = [];
    // One switch per node: this loop runs over every node of every parsed file.
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      switch (node.type) {
        case 'ImportDeclaration':
        case 'TSImportEqualsDeclaration':
          this.collectPgBindings(node);
          break;
        case 'VariableDeclarator':
          this.collectPgBindings(node);
          poolCandidates.push(node);
          break;
        // The node types `collectPools` looks at (identifiers only with a type annotation).
        case 'Identifier':
          if (node.typeAnnotation) poolCandidates.push(node);
          break;
        case 'NewExpression':
        case 'PropertyDefinition':
        case 'TSParameterProperty':
          poolCandidates.push(node);
          break;
        // The node types `collectExports` looks at.
        case 'ExportNamedDeclaration':
        case 'ExportAllDeclaration':
        case 'ExportDefaultDeclaration':
        case 'AssignmentExpression':
          exportCandidates.push(node);
          break;
      }
    }
    for (const node of poolCandidates) this.collectPools(node);
    this.resolveImports();
    for (const node of exportCandidates) this.collectExports(node);
  }

  /** The file imports pg, creates a pool, or imports one. */
  get usesPg(): boolean {
    return (
      this.poolClassNames.size > 0 ||
      this.pgNamespaces.size > 0 ||
      this.poolCreations.length > 0 ||
      this.importedPools.size > 0
    );
  }

  isPoolClass(expression: Node): boolean {
    const node = unwrap(expression);
    if (node.type === 'Identifier') return this.poolClassNames.has(node.name);
    if (node.type === 'MemberExpression' && propertyName(node) === 'Pool') {
      const object = unwrap(node.object);
      return (object.type === 'Identifier' && this.pgNamespaces.has(object.name)) || isPgRequire(object);
    }
    return false;
  }

  isNewPool(node: Node): node is TSESTree.NewExpression {
    return node.type === 'NewExpression' && this.isPoolClass(node.callee);
  }

  /** Whether an expression evaluates to a pg pool. */
  isPool(expression: Node): boolean {
    const node = unwrap(expression);
    switch (node.type) {
      case 'Identifier':
        return (
          this.poolNames.has(node.name) ||
          this.importedPools.has(node.name) ||
          (this.usesPg && !this.boundToOther.has(node.name) && !this.imports.has(node.name) && POOL_LIKE_NAME.test(node.name))
        );
      case 'MemberExpression': {
        const name = propertyName(node);
        if (name === undefined) return false;
        if (this.poolProperties.has(name)) return true;
        const object = unwrap(node.object);
        if (object.type === 'Identifier' && this.namespaceImports.has(object.name)) {
          const module = this.namespaceImports.get(object.name)!;
          return this.project?.poolExports.get(module)?.has(name) ?? POOL_LIKE_NAME.test(name);
        }
        return this.usesPg && POOL_LIKE_NAME.test(name);
      }
      case 'NewExpression':
        return this.isNewPool(node);
      case 'CallExpression': {
        const callee = unwrap(node.callee);
        return callee.type === 'Identifier' && this.poolFactories.has(callee.name);
      }
      case 'AwaitExpression':
        return this.isPool(node.argument);
      default:
        return false;
    }
  }

  /** `<pool>.<method>(...)`, e.g. `pool.connect()`, `pool.query(...)`, `pool.end()`. */
  isPoolMethodCall(node: Node, method: string): node is TSESTree.CallExpression {
    if (node.type !== 'CallExpression') return false;
    const callee = unwrap(node.callee);
    return callee.type === 'MemberExpression' && propertyName(callee) === method && this.isPool(callee.object);
  }

  isConnectCall(node: Node): node is TSESTree.CallExpression {
    return this.isPoolMethodCall(node, 'connect');
  }

  /** The pool expression a `pool.x()` call is made on. */
  poolOf(call: TSESTree.CallExpression): Expression | undefined {
    const callee = unwrap(call.callee);
    return callee.type === 'MemberExpression' ? callee.object : undefined;
  }

  private collectPgBindings(node: Node): void {
    if (node.type === 'ImportDeclaration') {
      const source = node.source.value;
      if (PG_MODULES.has(source)) {
        if (node.importKind === 'type') return this.collectPgTypeImports(node);
        for (const specifier of node.specifiers) {
          if (specifier.type === 'ImportSpecifier') {
            if (specifier.importKind === 'type') continue;
            if (importedName(specifier) === 'Pool' || (source === 'pg-pool' && importedName(specifier) === 'default')) {
              this.poolClassNames.add(specifier.local.name);
            }
          } else if (source === 'pg-pool' && specifier.type === 'ImportDefaultSpecifier') {
            this.poolClassNames.add(specifier.local.name);
          } else {
            this.pgNamespaces.add(specifier.local.name);
          }
        }
        return;
      }
      const module = resolveSpecifier(this.fileName, source);
      if (module === undefined || node.importKind === 'type') return;
      for (const specifier of node.specifiers) {
        if (specifier.type === 'ImportNamespaceSpecifier') this.namespaceImports.set(specifier.local.name, module);
        else if (specifier.type === 'ImportDefaultSpecifier') this.imports.set(specifier.local.name, { module, exportName: 'default', node });
        else if (specifier.importKind !== 'type') this.imports.set(specifier.local.name, { module, exportName: importedName(specifier), node });
      }
      return;
    }
    if (node.type === 'TSImportEqualsDeclaration' && node.moduleReference.type === 'TSExternalModuleReference') {
      const source = node.moduleReference.expression;
      if (source.type === 'Literal' && PG_MODULES.has(String(source.value))) this.pgNamespaces.add(node.id.name);
      return;
    }
    if (node.type === 'VariableDeclarator' && node.init) {
      this.collectRequire(node.id, unwrap(node.init), node);
    }
  }

  /** `import type { Pool } from 'pg'` still tells us that `pool: Pool` parameters are pools. */
  private collectPgTypeImports(node: TSESTree.ImportDeclaration): void {
    for (const specifier of node.specifiers) {
      if (specifier.type === 'ImportSpecifier' && importedName(specifier) === 'Pool') this.poolClassNames.add(specifier.local.name);
      else if (specifier.type !== 'ImportSpecifier') this.pgNamespaces.add(specifier.local.name);
    }
  }

  private collectRequire(target: TSESTree.BindingName, init: Node, declarator: Node): void {
    const pgModule = isPgRequire(init) || (init.type === 'Identifier' && this.pgNamespaces.has(init.name));
    if (pgModule) {
      if (target.type === 'Identifier') {
        this.pgNamespaces.add(target.name);
      } else if (target.type === 'ObjectPattern') {
        for (const property of target.properties) {
          if (property.type === 'Property' && keyName(property.key) === 'Pool' && property.value.type === 'Identifier') {
            this.poolClassNames.add(property.value.name);
          }
        }
      }
      return;
    }
    if (target.type === 'Identifier' && this.isPoolClass(init)) {
      this.poolClassNames.add(target.name);
      return;
    }
    const source = requiredModule(init);
    const module = source === undefined ? undefined : resolveSpecifier(this.fileName, source);
    if (module !== undefined) {
      if (target.type === 'Identifier') {
        this.imports.set(target.name, { module, exportName: 'default', node: declarator });
        this.namespaceImports.set(target.name, module);
      } else if (target.type === 'ObjectPattern') {
        for (const property of target.properties) {
          if (property.type === 'Property' && property.value.type === 'Identifier') {
            const name = keyName(property.key);
            if (name !== undefined) this.imports.set(property.value.name, { module, exportName: name, node: declarator });
          }
        }
      }
    }
  }

  private collectPools(node: Node): void {
    if (this.isNewPool(node)) {
      this.poolCreations.push(node);
      this.bindPool(node);
      return;
    }
    if (node.type === 'Identifier' && node.typeAnnotation && this.isPoolType(node.typeAnnotation.typeAnnotation)) {
      this.poolNames.add(node.name);
      return;
    }
    if (node.type === 'PropertyDefinition' && node.typeAnnotation && this.isPoolType(node.typeAnnotation.typeAnnotation)) {
      const name = keyName(node.key);
      if (name !== undefined) this.poolProperties.add(name);
      return;
    }
    if (node.type === 'TSParameterProperty' && node.parameter.type === 'Identifier') {
      const annotation = node.parameter.typeAnnotation?.typeAnnotation;
      if (annotation && this.isPoolType(annotation)) this.poolProperties.add(node.parameter.name);
      return;
    }
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init && !node.id.typeAnnotation) {
      if (!this.isPool(node.init) && !containsPoolCreation(node.init, this)) this.boundToOther.add(node.id.name);
    }
  }

  private isPoolType(type: TSESTree.TypeNode): boolean {
    if (type.type !== 'TSTypeReference') return false;
    const name = type.typeName;
    if (name.type === 'Identifier') return this.poolClassNames.has(name.name);
    return name.type === 'TSQualifiedName' && name.right.name === 'Pool' && name.left.type === 'Identifier' && this.pgNamespaces.has(name.left.name);
  }

  /** Records what a `new Pool()` is stored in, looking through `??`, `||`, `?:`, casts and `await`. */
  private bindPool(creation: TSESTree.NewExpression): void {
    let current: Node = creation;
    let parent: Node | undefined = current.parent;
    while (parent && isTransparent(parent)) {
      current = parent;
      parent = parent.parent;
    }
    if (!parent) return;
    switch (parent.type) {
      case 'VariableDeclarator':
        if (parent.id.type === 'Identifier') this.poolNames.add(parent.id.name);
        break;
      case 'AssignmentExpression':
        if (parent.right === current) this.bindTarget(parent.left);
        break;
      case 'Property':
        if (parent.value === current) {
          const name = keyName(parent.key);
          if (name !== undefined) this.poolProperties.add(name);
        }
        break;
      case 'PropertyDefinition': {
        const name = keyName(parent.key);
        if (name !== undefined) this.poolProperties.add(name);
        break;
      }
      case 'ReturnStatement':
      case 'ArrowFunctionExpression': {
        const name = enclosingFunctionName(parent);
        if (name !== undefined) this.poolFactories.add(name);
        break;
      }
      case 'ExportDefaultDeclaration':
        this.exportedPools.add('default');
        break;
    }
  }

  private bindTarget(target: Node): void {
    const node = unwrap(target);
    if (node.type === 'Identifier') this.poolNames.add(node.name);
    else if (node.type === 'MemberExpression') {
      const name = propertyName(node);
      if (name !== undefined && !isModuleExports(node)) this.poolProperties.add(name);
    }
  }

  private resolveImports(): void {
    for (const [local, binding] of this.imports) {
      const exports = binding.module === undefined ? undefined : this.project?.poolExports.get(binding.module);
      const known = exports !== undefined || this.project?.complete === true;
      const isPool = known ? exports?.has(binding.exportName) === true : POOL_LIKE_NAME.test(local);
      if (isPool) this.importedPools.set(local, binding.node);
    }
  }

  private collectExports(node: Node): void {
    switch (node.type) {
      case 'ExportNamedDeclaration':
        if (node.source) {
          this.reexports.push({
            from: node.source.value,
            names: node.specifiers.map((s) => [exportedName(s), localName(s)] as [string, string]),
          });
        } else if (node.declaration?.type === 'VariableDeclaration') {
          for (const declarator of node.declaration.declarations) {
            if (declarator.id.type === 'Identifier' && this.isPoolName(declarator.id.name)) this.exportedPools.add(declarator.id.name);
          }
        } else if (!node.declaration) {
          for (const specifier of node.specifiers) {
            if (this.isPoolName(localName(specifier))) this.exportedPools.add(exportedName(specifier));
          }
        }
        break;
      case 'ExportAllDeclaration':
        if (!node.exported) this.reexports.push({ from: node.source.value, names: '*' });
        break;
      case 'ExportDefaultDeclaration':
        if (node.declaration.type === 'Identifier' && this.isPoolName(node.declaration.name)) this.exportedPools.add('default');
        break;
      case 'AssignmentExpression': {
        const left = unwrap(node.left);
        if (left.type !== 'MemberExpression') break;
        if (isModuleExports(left)) this.collectCommonJsExports(node.right);
        else if (isExportsMember(left) && this.isPool(node.right)) this.exportedPools.add(propertyName(left)!);
        break;
      }
    }
  }

  private collectCommonJsExports(value: Node): void {
    const node = unwrap(value);
    if (node.type === 'ObjectExpression') {
      for (const property of node.properties) {
        if (property.type !== 'Property') continue;
        const name = keyName(property.key);
        if (name !== undefined && this.isPool(property.value)) this.exportedPools.add(name);
      }
    } else if (this.isPool(node)) {
      this.exportedPools.add('default');
    }
  }

  private isPoolName(name: string): boolean {
    return this.poolNames.has(name) || this.importedPools.has(name);
  }
}

/** Strips nodes that do not change the value: casts, `!`, optional-chain wrappers. */
export function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'ChainExpression':
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** Name of a non-computed (or string-literal computed) member access. */
export function propertyName(node: TSESTree.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return undefined;
}

export function keyName(key: Node): string | undefined {
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return undefined;
}

function importedName(specifier: TSESTree.ImportSpecifier): string {
  return specifier.imported.type === 'Identifier' ? specifier.imported.name : String(specifier.imported.value);
}

function exportedName(specifier: TSESTree.ExportSpecifier): string {
  return specifier.exported.type === 'Identifier' ? specifier.exported.name : String(specifier.exported.value);
}

function localName(specifier: TSESTree.ExportSpecifier): string {
  return specifier.local.type === 'Identifier' ? specifier.local.name : String(specifier.local.value);
}

/** `require('x')` or `await import('x')` → 'x'. */
function requiredModule(node: Node): string | undefined {
  const inner = node.type === 'AwaitExpression' ? unwrap(node.argument) : node;
  if (inner.type === 'ImportExpression' && inner.source.type === 'Literal') return String(inner.source.value);
  if (
    inner.type === 'CallExpression' &&
    inner.callee.type === 'Identifier' &&
    inner.callee.name === 'require' &&
    inner.arguments.length === 1 &&
    inner.arguments[0].type === 'Literal'
  ) {
    return String(inner.arguments[0].value);
  }
  return undefined;
}

function isPgRequire(node: Node): boolean {
  const source = requiredModule(node);
  return source !== undefined && PG_MODULES.has(source);
}

function isTransparent(node: Node): boolean {
  switch (node.type) {
    case 'LogicalExpression':
    case 'ConditionalExpression':
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSTypeAssertion':
    case 'AwaitExpression':
    case 'SequenceExpression':
      return true;
    default:
      return false;
  }
}

function containsPoolCreation(node: Node, model: PgModel): boolean {
  const inner = unwrap(node);
  if (inner.type === 'LogicalExpression' || inner.type === 'ConditionalExpression') {
    const parts = inner.type === 'LogicalExpression' ? [inner.left, inner.right] : [inner.consequent, inner.alternate];
    return parts.some((part) => model.isNewPool(unwrap(part)) || containsPoolCreation(part, model));
  }
  return false;
}

function enclosingFunctionName(node: Node): string | undefined {
  let current: Node | undefined = node;
  while (current && current.type !== 'FunctionDeclaration' && current.type !== 'FunctionExpression' && current.type !== 'ArrowFunctionExpression') {
    current = current.parent;
  }
  if (!current) return undefined;
  if (current.type === 'FunctionDeclaration') return current.id?.name;
  const parent = current.parent;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if ((parent?.type === 'Property' || parent?.type === 'MethodDefinition') && parent.key) return keyName(parent.key);
  return undefined;
}

function isModuleExports(node: TSESTree.MemberExpression): boolean {
  const object = unwrap(node.object);
  return object.type === 'Identifier' && object.name === 'module' && propertyName(node) === 'exports';
}

/** `exports.x` or `module.exports.x`. */
function isExportsMember(node: TSESTree.MemberExpression): boolean {
  const object = unwrap(node.object);
  return (
    propertyName(node) !== undefined &&
    ((object.type === 'Identifier' && object.name === 'exports') || (object.type === 'MemberExpression' && isModuleExports(object)))
  );
}
