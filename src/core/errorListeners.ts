import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isReference, referenceIndex } from './functions';
import { keyName, propertyName, unwrap } from './pgModel';

type Node = TSESTree.Node;

/** The EventEmitter methods that add a listener; each returns the emitter, so they chain. */
const LISTENER_METHODS: ReadonlySet<string> = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const PG_MODULES: ReadonlySet<string> = new Set(['pg', 'pg-pool']);

/**
 * What this file does to a pool binding: gives it an `error` listener, hands it to code the analysis
 * cannot follow (a helper that receives the pool may add one), or neither.
 */
export type ListenerState = 'listened' | 'unknown' | 'none';

/**
 * `x.on('error', …)` (or `once`, `addListener`, `prependListener`, `prependOnceListener`) → `x`;
 * a listener call with an event name that is not a literal → `x` too, with `dynamic` set, since it may
 * be 'error'. Undefined for anything else.
 */
export function listenerTarget(node: Node): { target: Node; dynamic: boolean } | undefined {
  if (node.type !== 'CallExpression') return undefined;
  const callee = unwrap(node.callee);
  if (callee.type !== 'MemberExpression') return undefined;
  const method = propertyName(callee);
  if (method === undefined || !LISTENER_METHODS.has(method) || node.arguments.length < 2) return undefined;
  const event = literalString(node.arguments[0]);
  if (event !== undefined && event !== 'error') return undefined;
  return { target: unwrap(callee.object), dynamic: event === undefined };
}

function literalString(node: Node): string | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked ?? undefined;
  return undefined;
}

/** Where an imported binding comes from: the specifier as written and the export name (`*` for a namespace). */
export interface ImportSource {
  from: string;
  name: string;
}

/**
 * The listener facts of one file, gathered in one walk: which names and property names get `error`
 * listeners, the references of every name, what the file imports and under which names it exports
 * its bindings.
 */
export class ListenerScan {
  /** Names `x` with an `x.on('error', …)` call. */
  readonly listenedNames = new Set<string>();
  /** Property names `p` with a `<anything>.p.on('error', …)` call. */
  readonly listenedProperties = new Set<string>();
  /** Listener calls on something other than a name or a property (`getPool().on('error', …)`). */
  readonly otherTargets: Node[] = [];
  /** Local names bound by imports of other modules: relative, package and path-alias specifiers alike (pg itself excluded). */
  readonly imports = new Map<string, ImportSource>();
  /** Local name → the names the module exports it under (`default` for default exports and `module.exports = x`). */
  readonly exportNames = new Map<string, string[]>();
  constructor(private readonly program: TSESTree.Program) {
    for (const statement of program.body) this.collectStatement(statement);
  }

  /** The program's reference index, built on the first question that needs it (a listened pool needs none). */
  private get references(): ReadonlyMap<string, readonly TSESTree.Identifier[]> {
    return referenceIndex(this.program);
  }

  /** Records the listener calls among the file's nodes (the analysis' node list, so no walk of its own). */
  addNodes(nodes: readonly Node[]): this {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const listener = listenerTarget(node);
      if (listener) this.addListener(listener.target);
      if (node.type === 'AssignmentExpression' && node.operator === '=') this.collectCommonJsExport(node);
    }
    return this;
  }

  /** What the file does to the binding `name`, apart from exporting it. */
  stateOfName(name: string): ListenerState {
    if (this.listenedNames.has(name)) return 'listened';
    for (const reference of this.references.get(name) ?? []) if (escapes(reference)) return 'unknown';
    return 'none';
  }

  /** The reference nodes of a name (by spelling: the core has no scope analysis). */
  referencesOf(name: string): readonly TSESTree.Identifier[] {
    return this.references.get(name) ?? [];
  }

  private addListener(target: Node): void {
    if (target.type === 'Identifier') this.listenedNames.add(target.name);
    else if (target.type === 'MemberExpression' && memberName(target) !== undefined) {
      this.listenedProperties.add(memberName(target)!);
      const object = unwrap(target.object);
      // `db.pool.on('error', …)` on a namespace import also listens to the module's `pool` export.
      if (object.type === 'Identifier') this.otherTargets.push(target);
    } else this.otherTargets.push(target);
  }

  private collectStatement(statement: TSESTree.ProgramStatement): void {
    switch (statement.type) {
      case 'ImportDeclaration':
        if (PG_MODULES.has(statement.source.value) || statement.importKind === 'type') return;
        for (const specifier of statement.specifiers) {
          if (specifier.type === 'ImportSpecifier' && specifier.importKind === 'type') continue;
          const name =
            specifier.type === 'ImportDefaultSpecifier'
              ? 'default'
              : specifier.type === 'ImportNamespaceSpecifier'
                ? '*'
                : specifier.imported.type === 'Identifier'
                  ? specifier.imported.name
                  : String(specifier.imported.value);
          this.imports.set(specifier.local.name, { from: statement.source.value, name });
        }
        return;
      case 'VariableDeclaration':
        for (const declarator of statement.declarations) this.collectRequire(declarator);
        return;
      case 'ExportNamedDeclaration':
        if (statement.source || statement.exportKind === 'type') return;
        if (statement.declaration?.type === 'VariableDeclaration') {
          for (const declarator of statement.declaration.declarations) {
            if (declarator.id.type === 'Identifier') this.addExport(declarator.id.name, declarator.id.name);
            this.collectRequire(declarator);
          }
        }
        for (const specifier of statement.specifiers) {
          if (specifier.exportKind === 'type') continue;
          const local = specifier.local.name;
          const exported = specifier.exported.type === 'Identifier' ? specifier.exported.name : String(specifier.exported.value);
          this.addExport(local, exported);
        }
        return;
      case 'ExportDefaultDeclaration':
        if (statement.declaration.type === 'Identifier') this.addExport(statement.declaration.name, 'default');
        return;
      case 'TSExportAssignment':
        if (statement.expression.type === 'Identifier') this.addExport(statement.expression.name, 'default');
        return;
      default:
        return;
    }
  }

  /** `const db = require('./db')`, `const { pool } = require('./db')`. */
  private collectRequire(declarator: TSESTree.VariableDeclarator): void {
    const init = declarator.init && unwrap(declarator.init);
    if (init?.type !== 'CallExpression' || init.callee.type !== 'Identifier' || init.callee.name !== 'require') return;
    const source = init.arguments[0];
    if (source?.type !== 'Literal' || typeof source.value !== 'string' || PG_MODULES.has(source.value)) return;
    const from = source.value;
    if (declarator.id.type === 'Identifier') {
      this.imports.set(declarator.id.name, { from, name: '*' });
    } else if (declarator.id.type === 'ObjectPattern') {
      for (const property of declarator.id.properties) {
        const name = property.type === 'Property' ? keyName(property.key) : undefined;
        if (name !== undefined && property.type === 'Property' && property.value.type === 'Identifier') this.imports.set(property.value.name, { from, name });
      }
    }
  }

  /** `module.exports = pool`, `module.exports = { pool, db: pool }`, `exports.pool = pool`, `module.exports.pool = pool`. */
  private collectCommonJsExport(node: TSESTree.AssignmentExpression): void {
    const left = unwrap(node.left);
    const right = unwrap(node.right);
    if (left.type !== 'MemberExpression') return;
    if (isModuleExports(left)) {
      if (right.type === 'Identifier') this.addExport(right.name, 'default');
      if (right.type === 'ObjectExpression') {
        for (const property of right.properties) {
          if (property.type !== 'Property') continue;
          const name = keyName(property.key);
          const value = unwrap(property.value);
          if (name !== undefined && value.type === 'Identifier') this.addExport(value.name, name);
        }
      }
      return;
    }
    const object = unwrap(left.object);
    const isExports = (object.type === 'Identifier' && object.name === 'exports') || (object.type === 'MemberExpression' && isModuleExports(object));
    const name = propertyName(left);
    if (isExports && name !== undefined && right.type === 'Identifier') this.addExport(right.name, name);
  }

  private addExport(local: string, exported: string): void {
    const names = this.exportNames.get(local) ?? [];
    if (!names.includes(exported)) names.push(exported);
    this.exportNames.set(local, names);
  }
}

/** The name of a member access, with `#` for private names. */
export function memberName(node: TSESTree.MemberExpression): string | undefined {
  if (node.property.type === 'PrivateIdentifier') return `#${node.property.name}`;
  return propertyName(node);
}

/** `module.exports`, `module.exports.x` or `exports.x`. */
function isExportTarget(target: Node): boolean {
  const node = unwrap(target);
  if (node.type !== 'MemberExpression') return false;
  if (isModuleExports(node)) return true;
  const object = unwrap(node.object);
  return (object.type === 'Identifier' && object.name === 'exports') || (object.type === 'MemberExpression' && isModuleExports(object));
}

export function isModuleExports(node: TSESTree.MemberExpression): boolean {
  const object = unwrap(node.object);
  return object.type === 'Identifier' && object.name === 'module' && propertyName(node) === 'exports';
}

/**
 * Whether a reference hands the binding's value on to code this file cannot follow: a call argument,
 * a return value, another variable or property, an array or object literal. Method calls and property
 * reads (`pool.query`), tests (`if (!pool)`), assignments to the name itself and exports do not (exports
 * are answered by the project facts).
 */
function escapes(reference: TSESTree.Identifier): boolean {
  if (!isReference(reference)) return false;
  let child: Node = reference;
  let parent: Node | undefined = reference.parent;
  // The value of `a ?? b`, `c ? a : b`, `(x, a)`, `await a` and casts may be the binding itself.
  while (parent) {
    const passesValue =
      (parent.type === 'LogicalExpression' && !isTestPosition(parent)) ||
      (parent.type === 'ConditionalExpression' && parent.test !== child) ||
      (parent.type === 'SequenceExpression' && parent.expressions[parent.expressions.length - 1] === child) ||
      parent.type === 'AwaitExpression' ||
      parent.type === 'TSAsExpression' ||
      parent.type === 'TSNonNullExpression' ||
      parent.type === 'TSSatisfiesExpression' ||
      parent.type === 'TSTypeAssertion' ||
      parent.type === 'ChainExpression';
    if (!passesValue) break;
    child = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object !== child;
    case 'AssignmentExpression':
      return parent.right === child && !isExportTarget(parent.left);
    case 'Property': {
      // `module.exports = { pool }` exports the pool; the project facts answer for exports.
      const assignment = parent.parent?.parent;
      return !(parent.value === child && assignment?.type === 'AssignmentExpression' && assignment.right === parent.parent && isExportTarget(assignment.left));
    }
    case 'VariableDeclarator':
      return parent.init === child;
    case 'ExportSpecifier':
    case 'ExportDefaultDeclaration':
    case 'TSExportAssignment':
    case 'ExpressionStatement':
    case 'IfStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'ForStatement':
    case 'UnaryExpression':
    case 'BinaryExpression':
    case 'UpdateExpression':
    case 'SwitchStatement':
    case 'TSTypeQuery':
    case 'TSQualifiedName':
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
      return false;
    case 'ConditionalExpression':
      return parent.test !== child;
    case 'CallExpression':
    case 'NewExpression':
      return parent.callee !== child;
    case 'TaggedTemplateExpression':
      return parent.tag !== child;
    case 'LogicalExpression':
    case 'ArrayPattern':
    case 'ObjectPattern':
    case 'AssignmentPattern':
    case 'RestElement':
    case 'CatchClause':
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      // A condition, a destructuring target or a parameter of the same spelling: no value goes anywhere.
      return parent.type === 'ArrowFunctionExpression' && parent.body === child;
    default:
      return true;
  }
}

/** A logical expression used only as a condition (`if (pool && ready)`), whose value goes nowhere. */
function isTestPosition(node: TSESTree.LogicalExpression): boolean {
  let current: Node = node;
  let parent = node.parent;
  while (parent?.type === 'LogicalExpression' || parent?.type === 'UnaryExpression') {
    current = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  if (current.type === 'UnaryExpression') return true;
  return (
    ((parent.type === 'IfStatement' || parent.type === 'WhileStatement' || parent.type === 'DoWhileStatement' || parent.type === 'ConditionalExpression') &&
      parent.test === current) ||
    (parent.type === 'ForStatement' && parent.test === current)
  );
}
