import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { parseSource } from './parse';
import { keyName, PgModel, propertyName, unwrap } from './pgModel';
import { linkParents, walk } from './traverse';
import type { Range } from './types';

type Node = TSESTree.Node;

/**
 * What a `new Pool({...})` says about its options, read statically. A value is `literal` when the code
 * fixes it (`max: 20`, `max: 2 * 10`, `application_name: 'blog-api'`), `unknown` when it is computed at
 * run time (`Number(process.env.DB_MAX)`), and `absent` when the option is not given, so pg's default
 * applies. An unresolved spread (`{ ...config }`) turns "absent" into "unknown": it may set anything.
 */
export type OptionValue<T> =
  | { kind: 'literal'; value: T; range: Range; property?: Range }
  | { kind: 'unknown'; range: Range; text: string; property?: Range; fallback?: EnvFallback<T> }
  | { kind: 'absent' };

/**
 * The value an environment-driven option takes when the variable is unset, as the code spells it:
 * `Number(process.env.DB_MAX ?? '10')`, `parseInt(process.env.DB_MAX || '10', 10)`, `Number(process.env.DB_MAX) || 10`.
 * The value stays unknown (the variable may be set); this is only what the code falls back to.
 */
export interface EnvFallback<T> {
  value: T;
  variable: string;
}

/** A `process.env.NAME` (or `process.env['NAME']`) read in a pool's options. */
export interface EnvRead {
  name: string;
  /** The option whose value reads it, e.g. `host`. */
  option: string | undefined;
  range: Range;
}

export interface PoolOptions {
  /** The `new Pool(...)` expression. */
  range: Range;
  /** The options object literal, when there is one in the file. */
  optionsRange: Range | undefined;
  max: OptionValue<number>;
  idleTimeoutMillis: OptionValue<number>;
  connectionTimeoutMillis: OptionValue<number>;
  applicationName: OptionValue<string>;
  /** Environment variables the options read, in source order. */
  envReads: EnvRead[];
  /** The options could not be read completely (not an object literal, or a spread of something unknown). */
  partial: boolean;
}

const OPTION_NAMES = { max: 'max', idleTimeoutMillis: 'idleTimeoutMillis', connectionTimeoutMillis: 'connectionTimeoutMillis', applicationName: 'application_name' } as const;

/** Every `new Pool(...)` of a file with its options. Throws `ParseFailure` when the file does not parse. */
export function findPoolOptions(text: string, fileName: string): PoolOptions[] {
  const ast = parseSource(text, fileName);
  const nodes = linkParents(ast);
  const model = new PgModel(nodes, fileName, undefined);
  const constants = constInitialisers(nodes);
  return model.poolCreations.map((creation) => readPoolOptions(creation, constants, text));
}

/** `const name = <init>` declarations; a name declared twice is left out, as it cannot be resolved safely. */
export function constInitialisers(nodes: Iterable<Node>): Map<string, Node> {
  const found = new Map<string, Node>();
  const ambiguous = new Set<string>();
  for (const node of nodes) {
    if (node.type !== 'VariableDeclarator' || node.id.type !== 'Identifier' || !node.init) continue;
    if (node.parent?.type !== 'VariableDeclaration' || node.parent.kind !== 'const') continue;
    if (found.has(node.id.name)) ambiguous.add(node.id.name);
    found.set(node.id.name, node.init);
  }
  for (const name of ambiguous) found.delete(name);
  return found;
}

/** The options of one `new Pool(...)` of an already parsed file; `constants` from `constInitialisers`. */
export function readPoolOptions(creation: TSESTree.NewExpression, constants: Map<string, Node>, text: string): PoolOptions {
  const properties = new Map<string, TSESTree.Property>();
  let partial = false;
  let optionsRange: Range | undefined;
  const argument = creation.arguments[0];
  if (argument) {
    const object = resolveObject(argument, constants, new Set());
    if (object) {
      optionsRange = object.range;
      partial = collectProperties(object, constants, properties, new Set());
    } else {
      partial = true;
    }
  }

  const option = <T>(
    name: string,
    read: (node: Node) => T | undefined,
    fallbackOf?: (node: Node, constants: Map<string, Node>) => EnvFallback<T> | undefined,
  ): OptionValue<T> => {
    const property = properties.get(name);
    if (!property) return partial ? { kind: 'unknown', range: argument!.range, text: text.slice(...argument!.range) } : { kind: 'absent' };
    const resolved = resolveConstant(property.value, constants);
    const value = read(resolved);
    if (value !== undefined) return { kind: 'literal', value, range: property.value.range, property: property.range };
    const fallback = fallbackOf?.(resolved, constants);
    return {
      kind: 'unknown',
      range: property.value.range,
      text: text.slice(...property.value.range),
      property: property.range,
      ...(fallback ? { fallback } : {}),
    };
  };

  const envReads: EnvRead[] = [];
  const seen = new Set<Node>();
  for (const [name, property] of properties) collectEnvReads(property.value, name, constants, envReads, seen);
  if (argument && !optionsRange) collectEnvReads(argument, undefined, constants, envReads, seen);
  envReads.sort((a, b) => a.range[0] - b.range[0]);

  return {
    range: creation.range,
    optionsRange,
    max: option(OPTION_NAMES.max, numberValue, numericFallback),
    idleTimeoutMillis: option(OPTION_NAMES.idleTimeoutMillis, numberValue, numericFallback),
    connectionTimeoutMillis: option(OPTION_NAMES.connectionTimeoutMillis, numberValue, numericFallback),
    applicationName: option(OPTION_NAMES.applicationName, stringValue),
    envReads,
    partial,
  };
}

function resolveConstant(node: Node, constants: Map<string, Node>, depth = 0): Node {
  const inner = unwrap(node);
  if (inner.type === 'Identifier' && depth < 5) {
    const init = constants.get(inner.name);
    if (init) return resolveConstant(init, constants, depth + 1);
  }
  return inner;
}

function resolveObject(node: Node, constants: Map<string, Node>, visiting: Set<string>): TSESTree.ObjectExpression | undefined {
  const inner = unwrap(node);
  if (inner.type === 'ObjectExpression') return inner;
  if (inner.type === 'Identifier' && !visiting.has(inner.name)) {
    const init = constants.get(inner.name);
    if (init) return resolveObject(init, constants, new Set([...visiting, inner.name]));
  }
  return undefined;
}

/** Later properties override earlier ones, spreads included, as at run time. Returns true when something could not be read. */
function collectProperties(
  object: TSESTree.ObjectExpression,
  constants: Map<string, Node>,
  into: Map<string, TSESTree.Property>,
  visiting: Set<TSESTree.ObjectExpression>,
): boolean {
  let partial = false;
  visiting.add(object);
  for (const property of object.properties) {
    if (property.type === 'SpreadElement') {
      const spread = resolveObject(property.argument, constants, new Set());
      if (spread && !visiting.has(spread)) partial = collectProperties(spread, constants, into, visiting) || partial;
      else partial = true;
      continue;
    }
    const name = property.computed && property.key.type !== 'Literal' ? undefined : keyName(property.key);
    if (name === undefined) {
      partial = true;
      continue;
    }
    into.set(name, property);
  }
  return partial;
}

function numberValue(node: Node): number | undefined {
  const inner = unwrap(node);
  switch (inner.type) {
    case 'Literal':
      return typeof inner.value === 'number' ? inner.value : undefined;
    case 'UnaryExpression': {
      const value = numberValue(inner.argument);
      if (value === undefined) return undefined;
      return inner.operator === '-' ? -value : inner.operator === '+' ? value : undefined;
    }
    case 'BinaryExpression': {
      if (inner.left.type === 'PrivateIdentifier') return undefined;
      const left = numberValue(inner.left);
      const right = numberValue(inner.right);
      if (left === undefined || right === undefined) return undefined;
      switch (inner.operator) {
        case '+':
          return left + right;
        case '-':
          return left - right;
        case '*':
          return left * right;
        case '/':
          return right === 0 ? undefined : left / right;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

const NUMBER_PARSERS = new Set(['Number', 'parseInt', 'parseFloat']);

/**
 * What a number read from the environment falls back to: `Number(process.env.X ?? '10')`,
 * `parseInt(process.env.X || '10', 10)`, `Number(process.env.X) || 10`, `+process.env.X || 10`, each
 * possibly behind a `const`. `Number(process.env.X) ?? 10` has none: `Number(undefined)` is NaN, not nullish.
 */
function numericFallback(node: Node, constants: Map<string, Node>): EnvFallback<number> | undefined {
  const inner = resolveConstant(node, constants);
  if (inner.type === 'CallExpression') {
    const parser = numberParser(inner);
    const [argument] = inner.arguments;
    if (!parser || !argument || argument.type === 'SpreadElement') return undefined;
    const either = resolveConstant(argument, constants);
    if (either.type !== 'LogicalExpression' || (either.operator !== '??' && either.operator !== '||')) return undefined;
    const variable = envVariable(resolveConstant(either.left, constants));
    const fallback = resolveConstant(either.right, constants);
    const raw = fallback.type === 'Literal' && (typeof fallback.value === 'string' || typeof fallback.value === 'number') ? String(fallback.value) : undefined;
    if (variable === undefined || raw === undefined) return undefined;
    const value = parser === 'parseInt' ? Number.parseInt(raw, 10) : parser === 'parseFloat' ? Number.parseFloat(raw) : Number(raw);
    return Number.isNaN(value) ? undefined : { value, variable };
  }
  if (inner.type === 'LogicalExpression' && inner.operator === '||') {
    const left = resolveConstant(inner.left, constants);
    const read =
      left.type === 'CallExpression' && numberParser(left) && left.arguments[0]?.type !== 'SpreadElement' && left.arguments[0]
        ? left.arguments[0]
        : left.type === 'UnaryExpression' && left.operator === '+'
          ? left.argument
          : undefined;
    const variable = read && envVariable(resolveConstant(read, constants));
    const value = numberValue(resolveConstant(inner.right, constants));
    return variable !== undefined && value !== undefined ? { value, variable } : undefined;
  }
  return undefined;
}

function numberParser(call: TSESTree.CallExpression): string | undefined {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier' && NUMBER_PARSERS.has(callee.name)) return callee.name;
  if (callee.type === 'MemberExpression' && unwrap(callee.object).type === 'Identifier' && (unwrap(callee.object) as TSESTree.Identifier).name === 'Number') {
    const name = propertyName(callee);
    return name === 'parseInt' || name === 'parseFloat' ? name : undefined;
  }
  return undefined;
}

/** `process.env.X` or `process.env['X']`: X. */
function envVariable(node: Node): string | undefined {
  const inner = unwrap(node);
  if (inner.type !== 'MemberExpression') return undefined;
  const name = propertyName(inner);
  const object = unwrap(inner.object);
  if (name === undefined || object.type !== 'MemberExpression' || propertyName(object) !== 'env') return undefined;
  const root = unwrap(object.object);
  return root.type === 'Identifier' && root.name === 'process' ? name : undefined;
}

function stringValue(node: Node): string | undefined {
  const inner = unwrap(node);
  if (inner.type === 'Literal' && typeof inner.value === 'string') return inner.value;
  if (inner.type === 'TemplateLiteral' && inner.expressions.length === 0) return inner.quasis[0].value.cooked ?? undefined;
  return undefined;
}

/** `process.env.X` / `process.env['X']` anywhere inside a value, following `const` names one step at a time. */
function collectEnvReads(value: Node, option: string | undefined, constants: Map<string, Node>, into: EnvRead[], seen: Set<Node>): void {
  walk(value, (node) => {
    if (seen.has(node)) return false;
    seen.add(node);
    if (node.type === 'MemberExpression') {
      const name = envVariable(node);
      if (name !== undefined) {
        into.push({ name, option, range: node.range });
        return false;
      }
    }
    if (node.type === 'Identifier' && !isPropertyName(node)) {
      const init = constants.get(node.name);
      if (init) collectEnvReads(init, option, constants, into, seen);
    }
    return undefined;
  });
}

/** `key` in `{ key: v }` or `a.key`: a name, not a reference to a variable. */
function isPropertyName(node: TSESTree.Identifier): boolean {
  const parent = node.parent;
  if (parent?.type === 'Property') return parent.key === node && !parent.computed && !parent.shorthand;
  if (parent?.type === 'MemberExpression') return parent.property === node && !parent.computed;
  return false;
}
