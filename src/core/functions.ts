import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { keyName, propertyName, unwrap } from './pgModel';
import { linkedNodes, walk } from './traverse';
import { treeCache } from './treeCaches';

type Node = TSESTree.Node;

export type FunctionNode = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;
export type LoopNode =
  | TSESTree.ForStatement
  | TSESTree.ForInStatement
  | TSESTree.ForOfStatement
  | TSESTree.WhileStatement
  | TSESTree.DoWhileStatement;

export function isFunction(node: Node): node is FunctionNode {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

export function isLoop(node: Node): node is LoopNode {
  switch (node.type) {
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
      return true;
    default:
      return false;
  }
}

/** The part of a loop that runs once per iteration (`for (init; test; update) body`: all but `init`; `for (x of xs)`: the body). */
export function isRepeatedPartOfLoop(loop: LoopNode, child: Node): boolean {
  switch (loop.type) {
    case 'ForStatement':
      return child !== loop.init;
    case 'ForInStatement':
    case 'ForOfStatement':
      return child === loop.body;
    default:
      return true;
  }
}

export function contains(outer: Node, inner: Node | TSESTree.Range): boolean {
  const [start, end] = Array.isArray(inner) ? inner : inner.range;
  return outer.range[0] <= start && end <= outer.range[1];
}

/** The nearest function around a node (not the node itself), or undefined at module scope. */
export function enclosingFunction(node: Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) if (isFunction(current)) return current;
  return undefined;
}

/** The statement directly inside `Program` that holds the node. */
export function topLevelStatement(node: Node): TSESTree.ProgramStatement | undefined {
  let current: Node = node;
  while (current.parent && current.parent.type !== 'Program') current = current.parent;
  return current.parent ? (current as TSESTree.ProgramStatement) : undefined;
}

/** Skips parentheses-free wrappers upwards: casts, `!`, `satisfies`. */
export function outerExpression(node: Node): Node {
  let current = node;
  while (
    current.parent &&
    (current.parent.type === 'TSAsExpression' ||
      current.parent.type === 'TSSatisfiesExpression' ||
      current.parent.type === 'TSNonNullExpression' ||
      current.parent.type === 'TSTypeAssertion' ||
      current.parent.type === 'ChainExpression')
  ) {
    current = current.parent;
  }
  return current;
}

/** The name a function is known by: its own, the variable, property, method or export it is assigned to. */
export function functionName(fn: FunctionNode): string | undefined {
  if (fn.type !== 'ArrowFunctionExpression' && fn.id) return fn.id.name;
  const holder = outerExpression(fn).parent;
  if (!holder) return undefined;
  switch (holder.type) {
    case 'VariableDeclarator':
      return holder.id.type === 'Identifier' ? holder.id.name : undefined;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return keyName(holder.key);
    case 'AssignmentExpression': {
      const target = unwrap(holder.left);
      if (target.type === 'Identifier') return target.name;
      return target.type === 'MemberExpression' ? propertyName(target) : undefined;
    }
    default:
      return undefined;
  }
}

/** The call a function is passed to as an argument, with the argument's index. */
export function callTakingFunction(fn: FunctionNode): { call: TSESTree.CallExpression; index: number } | undefined {
  const arg = outerExpression(fn);
  const parent = arg.parent;
  if (parent?.type !== 'CallExpression') return undefined;
  const index = parent.arguments.indexOf(arg as TSESTree.CallExpressionArgument);
  return index < 0 ? undefined : { call: parent, index };
}

/** `(() => {...})()`, `(async function () {...})()`, `void (async () => {})()`: the call when the function is invoked on the spot. */
export function immediateCall(fn: FunctionNode): TSESTree.CallExpression | undefined {
  const callee = outerExpression(fn);
  const parent = callee.parent;
  return parent?.type === 'CallExpression' && parent.callee === callee ? parent : undefined;
}

/** Method name of `x.name(...)` calls, or the function name of `name(...)` calls. */
export function calleeName(call: TSESTree.CallExpression | TSESTree.NewExpression): string | undefined {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression') return propertyName(callee);
  return undefined;
}

/** The object of `x.name(...)`, unwrapped. */
export function calleeObject(call: TSESTree.CallExpression): Node | undefined {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' ? unwrap(callee.object) : undefined;
}

/** Whether an identifier node is a reference to a binding (not a property key, member name or label). */
export function isReference(node: TSESTree.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object === node || parent.computed;
    case 'Property':
      return parent.value === node || (parent.computed && parent.key === node);
    case 'MethodDefinition':
    case 'PropertyDefinition':
    case 'TSPropertySignature':
      return parent.computed && parent.key === node;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return false;
    case 'TSQualifiedName':
    case 'TSTypeReference':
    case 'TSInterfaceHeritage':
      return false;
    case 'ImportSpecifier':
    case 'ExportSpecifier':
      return false;
    default:
      return true;
  }
}

/**
 * Identifiers named `name` under `root` that read or write the binding (declarations included). Names
 * are matched by spelling: the core has no scope analysis, and shadowing a pool's name is rare.
 */
export function referencesTo(name: string, root: Node): TSESTree.Identifier[] {
  const found: TSESTree.Identifier[] = [];
  walk(root, (node) => {
    if (node.type === 'Identifier' && node.name === name && isReference(node)) found.push(node);
  });
  return found;
}

/** Every binding reference under `root`, by name: one walk instead of one per question. */
export function referenceIndex(root: Node): ReadonlyMap<string, readonly TSESTree.Identifier[]> {
  let index = referenceIndexes.get(root);
  if (!index) {
    index = buildReferenceIndex(root);
    referenceIndexes.set(root, index);
  }
  return index;
}

/**
 * One index per root node, kept as long as the syntax tree: three rules and the project index's
 * listener scan each asked for the whole program's, a full walk apiece.
 */
const referenceIndexes = treeCache<Node, ReadonlyMap<string, readonly TSESTree.Identifier[]>>();

function buildReferenceIndex(root: Node): Map<string, TSESTree.Identifier[]> {
  const index = new Map<string, TSESTree.Identifier[]>();
  const add = (node: Node): void => {
    if (node.type === 'Identifier' && isReference(node)) {
      const list = index.get(node.name);
      if (list) list.push(node);
      else index.set(node.name, [node]);
    }
  };
  // A linked program's node list is in the order a walk would visit them: the same lists, without the walk.
  const linked = root.type === 'Program' ? linkedNodes(root) : undefined;
  if (linked) for (let i = 0; i < linked.length; i++) add(linked[i]);
  else walk(root, add);
  return index;
}

/** Names a statement declares in its own scope (`const a`, `function f`, `class C`, imports). */
export function declaredNames(statement: Node): string[] {
  switch (statement.type) {
    case 'VariableDeclaration':
      return statement.declarations.flatMap((declarator) => patternNames(declarator.id));
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
    case 'TSEnumDeclaration':
      return statement.id ? [statement.id.name] : [];
    case 'ImportDeclaration':
      return statement.specifiers.map((specifier) => specifier.local.name);
    case 'TSImportEqualsDeclaration':
      return [statement.id.name];
    case 'ExportNamedDeclaration':
      return statement.declaration ? declaredNames(statement.declaration) : [];
    case 'ExportDefaultDeclaration':
      return (statement.declaration.type === 'FunctionDeclaration' || statement.declaration.type === 'ClassDeclaration') &&
        statement.declaration.id
        ? [statement.declaration.id.name]
        : [];
    default:
      return [];
  }
}

export function patternNames(pattern: Node): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((property) => patternNames(property.type === 'Property' ? property.value : property.argument));
    case 'ArrayPattern':
      return pattern.elements.flatMap((element) => (element ? patternNames(element) : []));
    case 'RestElement':
      return patternNames(pattern.argument);
    case 'AssignmentPattern':
      return patternNames(pattern.left);
    default:
      return [];
  }
}

/** Whether `name` is declared by a parameter of `fn` or a declaration in its body outside nested functions. */
export function isDeclaredIn(name: string, fn: FunctionNode): boolean {
  if (fn.params.some((param) => patternNames(param.type === 'TSParameterProperty' ? param.parameter : param).includes(name))) return true;
  let declared = false;
  walk(fn.body, (node) => {
    if (declared) return false;
    if (isFunction(node)) {
      if (node.type === 'FunctionDeclaration' && node.id?.name === name) declared = true;
      return false;
    }
    if (node.type === 'VariableDeclarator' && patternNames(node.id).includes(name)) declared = true;
    return undefined;
  });
  return declared;
}

/** Names declared by the file's top-level statements, each with the statement that declares it. */
export function moduleDeclarations(program: TSESTree.Program): Map<string, TSESTree.ProgramStatement> {
  const names = new Map<string, TSESTree.ProgramStatement>();
  for (const statement of program.body) for (const name of declaredNames(statement)) names.set(name, statement);
  return names;
}

/** Whether a node sits inside a nested function below `root` (so it does not run when `root` runs). */
export function isInNestedFunction(node: Node, root: Node): boolean {
  for (let current = node.parent; current && current !== root; current = current.parent) if (isFunction(current)) return true;
  return false;
}

/** Whether the module exports anything that exists at run time (type-only exports and `export {}` do not count). */
export function hasRuntimeExports(program: TSESTree.Program): boolean {
  let found = false;
  walk(program, (node) => {
    if (found) return false;
    switch (node.type) {
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
        found = node.type === 'ExportDefaultDeclaration' || node.exportKind !== 'type';
        return false;
      case 'ExportNamedDeclaration':
        if (node.exportKind === 'type') return false;
        if (node.declaration) {
          found = !['TSTypeAliasDeclaration', 'TSInterfaceDeclaration', 'TSDeclareFunction'].includes(node.declaration.type);
        } else {
          found = node.specifiers.some((specifier) => specifier.exportKind !== 'type');
        }
        return false;
      case 'TSExportAssignment':
        found = true;
        return false;
      case 'MemberExpression': {
        const object = unwrap(node.object);
        const isModuleExports = object.type === 'Identifier' && object.name === 'module' && propertyName(node) === 'exports';
        const isExportsMember = object.type === 'Identifier' && object.name === 'exports';
        if ((isModuleExports || isExportsMember) && node.parent?.type === 'AssignmentExpression' && node.parent.left === node) found = true;
        if (isModuleExports && node.parent?.type === 'MemberExpression' && node.parent.parent?.type === 'AssignmentExpression' && node.parent.parent.left === node.parent) {
          found = true;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  });
  return found;
}
