import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  callTakingFunction,
  calleeName,
  calleeObject,
  functionName,
  immediateCall,
  isDeclaredIn,
  isFunction,
  isInNestedFunction,
  isLoop,
  isReference,
  isRepeatedPartOfLoop,
  moduleDeclarations,
  outerExpression,
  referenceIndex,
  referencesTo,
  topLevelStatement,
  type FunctionNode,
} from '../functions';
import { keyName, propertyName, unwrap } from '../pgModel';
import { walk } from '../traverse';
import { defineRule, type Fix, type RuleContext } from '../types';

type Node = TSESTree.Node;

/** How often the code around a `new Pool()` runs, as far as one file can tell. */
type Repetition =
  | { kind: 'request'; handler: string }
  | { kind: 'invocation' }
  | { kind: 'event'; what: string }
  | { kind: 'call'; name: string };

/** What a function found on the way up from a pool creation means for how often the creation runs. */
type FunctionRole =
  | { role: 'repeated'; repetition: Repetition }
  /** A plain named function: repeated only if it uses a pool of its own and does not hand it out. */
  | { role: 'plain'; name: string }
  /** A loop callback (`forEach`, `map` …): one run per element. */
  | { role: 'loop' }
  /** Runs once: constructor, main-style entry, server `listen` callback, test hook. */
  | { role: 'once' }
  /** Says nothing by itself (IIFE, unknown callback): the enclosing code decides. */
  | { role: 'transparent' };

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all']);
const NEXT_ROUTE_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const ARRAY_CALLBACKS = new Set(['forEach', 'map', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex']);
/** Fastify hooks that run when the server starts or stops, not per request. */
const ONCE_HOOKS = new Set(['onReady', 'onListen', 'onClose', 'preClose', 'onRoute', 'onRegister']);
const TEST_HOOKS = new Set(['describe', 'it', 'test', 'before', 'after', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach']);
/** Pool methods that mean "this pool does its work here". */
const USE_METHODS = new Set(['query', 'connect', 'end']);
/** Globals a pool's options may call and still be evaluated at module scope. */
const SAFE_GLOBAL_CALLS = new Set(['Number', 'String', 'Boolean', 'parseInt', 'parseFloat']);
const SAFE_GLOBALS = new Set(['process', 'undefined', 'Number', 'String', 'Boolean', 'parseInt', 'parseFloat', 'Math', 'JSON', 'Infinity', 'NaN']);

export default defineRule({
  id: 'pool-per-request',
  meta: {
    type: 'problem',
    description: 'A new pool created per request, per call or per loop iteration instead of once per process.',
    messages: {
      perRequest: 'A new pool is created on every request to this {{handler}}; create it once at module scope and reuse it.',
      perInvocation:
        'A new pool is created on every invocation of this Lambda handler; create it once at module scope so warm invocations reuse it.',
      perIteration: 'A new pool is created on every iteration of this loop; create it once outside the loop and reuse it.',
      perCall: 'A new pool is created on every call of {{name}}; create it once at module scope and reuse it.',
      perEvent: 'A new pool is created every time this {{what}} runs; create it once at module scope and reuse it.',
    },
    hasFixes: true,
    defaultSeverity: 'warning',
  },
  create(ctx) {
    const program = ctx.ast;
    const exported = exportedNames(program);
    const calledOnce = new Map<FunctionNode, boolean>();
    let referenceCache: ReadonlyMap<string, readonly TSESTree.Identifier[]> | undefined;
    const references = () => (referenceCache ??= referenceIndex(program));

    function check(creation: TSESTree.NewExpression): void {
      let loop: { scope: Node } | undefined;
      let child: Node = creation;
      for (let node: Node | undefined = creation.parent; node; child = node, node = node.parent) {
        if (isLoop(node) && isRepeatedPartOfLoop(node, child)) {
          loop ??= { scope: child };
          continue;
        }
        if (node.type === 'PropertyDefinition' && node.value === child) return reportLoop(loop, creation);
        if (!isFunction(node)) continue;
        const role = roleOf(node);
        switch (role.role) {
          case 'transparent':
            continue;
          case 'loop':
            loop ??= { scope: node };
            continue;
          case 'once':
            return reportLoop(loop, creation);
          case 'repeated':
            if (isLazyInitialisation(creation, node)) return;
            if (loop) return report(creation, { kind: 'iteration' });
            return report(creation, role.repetition, node);
          case 'plain': {
            if (isLazyInitialisation(creation, node)) return;
            if (loop) return reportLoop(loop, creation);
            if (fate(creation, node) === 'used') report(creation, { kind: 'call', name: role.name });
            return;
          }
        }
      }
      reportLoop(loop, creation);
    }

    /** A loop that runs once may fill a collection with pools (one per domain); a pool it only uses and drops is per iteration. */
    function reportLoop(loop: { scope: Node } | undefined, creation: TSESTree.NewExpression): void {
      if (loop && fate(creation, loop.scope) !== 'escapes') report(creation, { kind: 'iteration' });
    }

    function report(creation: TSESTree.NewExpression, where: Repetition | { kind: 'iteration' }, fn?: FunctionNode): void {
      const fix = fn && (where.kind === 'request' || where.kind === 'invocation') ? moveToModuleScope(creation, fn) : undefined;
      const fixes = fix ? [fix] : undefined;
      switch (where.kind) {
        case 'request':
          return ctx.report({ node: creation, messageId: 'perRequest', data: { handler: where.handler }, fixes });
        case 'invocation':
          return ctx.report({ node: creation, messageId: 'perInvocation', fixes });
        case 'iteration':
          return ctx.report({ node: creation, messageId: 'perIteration' });
        case 'event':
          return ctx.report({ node: creation, messageId: 'perEvent', data: { what: where.what } });
        case 'call':
          return ctx.report({ node: creation, messageId: 'perCall', data: { name: where.name } });
      }
    }

    function roleOf(fn: FunctionNode): FunctionRole {
      if (immediateCall(fn)) return { role: 'transparent' };
      const holder = outerExpression(fn).parent;
      if (holder?.type === 'MethodDefinition' && holder.kind === 'constructor') return { role: 'once' };

      const framework = frameworkEntry(fn);
      if (framework) return { role: 'repeated', repetition: framework };

      const callback = callTakingFunction(fn);
      if (callback) return callbackRole(callback.call, callback.index);

      const name = functionName(fn);
      if (name === undefined) {
        return holder?.type === 'ExportDefaultDeclaration' ? { role: 'plain', name: 'the default export' } : { role: 'transparent' };
      }
      if (holder?.type !== 'MethodDefinition' && isCalledOnce(fn, name, 0)) return { role: 'once' };
      return { role: 'plain', name: `${name}()` };
    }

    /** Request handlers of web frameworks and serverless platforms, recognised by how they are registered or exported. */
    function frameworkEntry(fn: FunctionNode): Repetition | undefined {
      const names = exportNamesOf(fn);
      if (isNextRouteFile(ctx.fileName) && names.some((name) => NEXT_ROUTE_METHODS.has(name))) {
        return { kind: 'request', handler: 'Next.js route handler' };
      }
      if (isPagesApiFile(ctx.fileName) && names.includes('default')) return { kind: 'request', handler: 'API route' };
      if (isAppRouterPageFile(ctx.fileName) && names.includes('default')) return { kind: 'request', handler: 'Next.js page' };
      if (names.includes('getServerSideProps')) return { kind: 'request', handler: "page's getServerSideProps" };
      if (names.includes('handler')) return { kind: 'invocation' };

      const holder = outerExpression(fn).parent;
      if (holder?.type === 'Property' && keyName(holder.key) === 'handler' && isRouteOptions(holder.parent)) {
        return { kind: 'request', handler: 'route handler' };
      }
      const callback = callTakingFunction(fn);
      if (!callback) return undefined;
      return registeredHandler(callback.call, callback.index);
    }

    /** The function (or a wrapper call around it) is argument `index` of `call`: is that a request-handler registration? */
    function registeredHandler(call: TSESTree.CallExpression, index: number): Repetition | undefined {
      const method = calleeName(call);
      const receiver = calleeObject(call);
      if (method === undefined) return undefined;
      if (receiver && HTTP_METHODS.has(method)) {
        const routed = receiver.type === 'CallExpression' && calleeName(receiver) === 'route';
        if ((index >= 1 && isPathLike(call.arguments[0])) || routed) return { kind: 'request', handler: 'route handler' };
      }
      if (receiver && method === 'use') return { kind: 'request', handler: 'middleware' };
      if (receiver && method === 'addHook' && !ONCE_HOOKS.has(stringValue(call.arguments[0]) ?? '')) return { kind: 'request', handler: 'request hook' };
      if (method === 'createServer' || (method === 'on' && stringValue(call.arguments[0]) === 'request')) {
        return { kind: 'request', handler: 'request listener' };
      }
      if (receiver && (method === 'query' || method === 'mutation') && index === 0) return { kind: 'request', handler: 'tRPC procedure' };
      // `app.get('/x', asyncHandler(async (req, res) => …))`: look through a plain wrapper call.
      const wrapper = outerExpression(call);
      const outer = wrapper.parent;
      if (unwrap(call.callee).type === 'Identifier' && outer?.type === 'CallExpression' && outer.callee !== wrapper) {
        return registeredHandler(outer, outer.arguments.indexOf(wrapper as TSESTree.CallExpressionArgument));
      }
      return undefined;
    }

    function callbackRole(call: TSESTree.CallExpression, index: number): FunctionRole {
      const method = calleeName(call);
      const receiver = calleeObject(call);
      if (method === undefined) return { role: 'transparent' };
      if (receiver && ARRAY_CALLBACKS.has(method) && index === 0) return { role: 'loop' };
      if (receiver?.type === 'Identifier' && receiver.name === 'Array' && method === 'from' && index === 1) return { role: 'loop' };
      if (method === 'setInterval') return { role: 'repeated', repetition: { kind: 'event', what: 'timer callback' } };
      if (receiver && method === 'schedule') return { role: 'repeated', repetition: { kind: 'event', what: 'scheduled job' } };
      const isProcess = receiver?.type === 'Identifier' && receiver.name === 'process';
      if (receiver && !isProcess && (method === 'on' || method === 'addListener' || method === 'subscribe')) {
        return { role: 'repeated', repetition: { kind: 'event', what: 'event listener' } };
      }
      if (TEST_HOOKS.has(method) || method === 'listen' || method === 'once' || method === 'register' || method === 'addHook' || isProcess) return { role: 'once' };
      return { role: 'transparent' };
    }

    /**
     * A module-level function that is not exported and is called from exactly one place that runs
     * once (`main()` at the bottom of a script, or a function such a `main` calls once).
     */
    function isCalledOnce(fn: FunctionNode, name: string, depth: number): boolean {
      const known = calledOnce.get(fn);
      if (known !== undefined) return known;
      // A function that reaches itself again (recursion) is not called once; the mark also ends the cycle.
      calledOnce.set(fn, false);
      const result = isCalledOnceUncached(fn, name, depth);
      calledOnce.set(fn, result);
      return result;
    }

    function isCalledOnceUncached(fn: FunctionNode, name: string, depth: number): boolean {
      if (depth > 4 || exported.has(name)) return false;
      const declaredAtTop =
        fn.parent?.type === 'Program' ||
        (fn.parent?.type === 'VariableDeclarator' && fn.parent.parent?.parent?.type === 'Program');
      if (!declaredAtTop) return false;
      const uses = (references().get(name) ?? []).filter((ref) => ref !== fn.id && !(ref.parent?.type === 'VariableDeclarator' && ref.parent.id === ref));
      if (uses.length !== 1) return false;
      const call = uses[0].parent;
      return call?.type === 'CallExpression' && call.callee === uses[0] && runsOnce(call, depth);
    }

    function runsOnce(node: Node, depth: number): boolean {
      let child: Node = node;
      for (let current = node.parent; current; child = current, current = current.parent) {
        if (isLoop(current) && isRepeatedPartOfLoop(current, child)) return false;
        if (!isFunction(current)) continue;
        if (immediateCall(current)) continue;
        const callback = callTakingFunction(current);
        if (callback) {
          const method = calleeName(callback.call);
          if (method === 'then' || method === 'catch' || method === 'finally') continue;
          return callbackRole(callback.call, callback.index).role === 'once';
        }
        const name = functionName(current);
        return name !== undefined && isCalledOnce(current, name, depth + 1);
      }
      return true;
    }

    /** `if (!pool) pool = new Pool()`, `pool ??= new Pool()`, `return pool ?? (pool = new Pool())`, `cache.set(key, new Pool())` behind a `has` check. */
    function isLazyInitialisation(creation: TSESTree.NewExpression, fn: FunctionNode): boolean {
      const value = outerExpression(creation);
      const parent = value.parent;
      let target: Node | undefined;
      let assignment: Node | undefined;
      if (parent?.type === 'AssignmentExpression' && parent.right === value) {
        if (parent.operator === '??=' || parent.operator === '||=') return !isLocal(parent.left, fn);
        target = parent.left;
        assignment = parent;
      } else if (parent?.type === 'LogicalExpression' && parent.right === value && parent.operator !== '&&') {
        const outer = outerExpression(parent).parent;
        if (outer?.type === 'AssignmentExpression' && outer.operator === '=' && sameText(outer.left, parent.left)) {
          return !isLocal(outer.left, fn);
        }
        return false;
      } else if (parent?.type === 'CallExpression' && calleeName(parent) === 'set' && parent.arguments[1] === value) {
        target = calleeObject(parent);
        assignment = parent;
      }
      if (!target || !assignment || isLocal(target, fn)) return false;

      const wrapper = outerExpression(assignment).parent;
      if (wrapper?.type === 'LogicalExpression' && wrapper.right === outerExpression(assignment) && mentions(wrapper.left, target)) return true;
      return guardedByCondition(assignment, fn, target);
    }

    /** An `if`/`?:` around the assignment, or an earlier early-return `if`, that tests the same target. */
    function guardedByCondition(assignment: Node, fn: FunctionNode, target: Node): boolean {
      for (let node = assignment.parent; node && node !== fn; node = node.parent) {
        if ((node.type === 'IfStatement' || node.type === 'ConditionalExpression') && mentions(node.test, target)) return true;
      }
      let guarded = false;
      walk(fn.body, (node) => {
        if (guarded || node.range[0] >= assignment.range[0]) return false;
        if (isFunction(node)) return false;
        if (node.type === 'IfStatement' && mentions(node.test, target) && endsFunction(node.consequent)) guarded = true;
        return undefined;
      });
      return guarded;
    }

    function mentions(test: Node, target: Node): boolean {
      const targetNode = unwrap(target);
      const texts = [ctx.textOf(targetNode)];
      if (targetNode.type === 'MemberExpression' && targetNode.computed) texts.push(ctx.textOf(targetNode.object));
      const haystack = ctx.textOf(test);
      return texts.some((text) => new RegExp(`(?<![\\w$.])${escapeRegExp(text)}(?![\\w$])`).test(haystack));
    }

    function sameText(a: Node, b: Node): boolean {
      return ctx.textOf(unwrap(a)).replace(/\s+/g, '') === ctx.textOf(unwrap(b)).replace(/\s+/g, '');
    }

    /**
     * What happens to the new pool within `scope`: handed out (returned, stored outside, passed on),
     * used and dropped, or neither.
     */
    function fate(creation: TSESTree.NewExpression, scope: Node): 'escapes' | 'used' | 'unused' {
      let value: Node = outerExpression(creation);
      while (value.parent && (value.parent.type === 'LogicalExpression' || value.parent.type === 'ConditionalExpression' || value.parent.type === 'AwaitExpression')) {
        value = outerExpression(value.parent);
      }
      const parent = value.parent;
      if (!parent) return 'unused';
      switch (parent.type) {
        case 'VariableDeclarator':
          return parent.id.type === 'Identifier' ? bindingFate(parent.id.name, parent.id, scope) : 'escapes';
        case 'AssignmentExpression': {
          const target = unwrap(parent.left);
          if (target.type === 'Identifier' && isLocalTo(target.name, scope)) return bindingFate(target.name, target, scope);
          return 'escapes';
        }
        case 'MemberExpression':
          return parent.object === value && parent.parent?.type === 'CallExpression' && USE_METHODS.has(propertyName(parent) ?? '') ? 'used' : 'unused';
        case 'ExpressionStatement':
          return 'unused';
        default:
          return 'escapes';
      }
    }

    /**
     * A pool used directly in the scope is used per run; one only used inside closures is captured by
     * them (`app.get('/', () => pool.query(...))` inside `createApp()`), so it outlives the run.
     */
    function bindingFate(name: string, declaration: Node, scope: Node): 'escapes' | 'used' | 'unused' {
      let used = false;
      let captured = false;
      for (const ref of referencesTo(name, scope)) {
        if (ref === declaration) continue;
        if (isInNestedFunction(ref, scope)) {
          captured = true;
          continue;
        }
        const parent = ref.parent!;
        if (parent.type === 'MemberExpression' && parent.object === ref) {
          const call = parent.parent;
          if (call?.type === 'CallExpression' && call.callee === parent && USE_METHODS.has(propertyName(parent) ?? '')) used = true;
          continue;
        }
        if (parent.type === 'AssignmentExpression' && parent.left === ref) continue;
        return 'escapes';
      }
      return used ? 'used' : captured ? 'escapes' : 'unused';
    }

    function isLocalTo(name: string, scope: Node): boolean {
      if (isFunction(scope)) return isDeclaredIn(name, scope);
      let declared = false;
      walk(scope, (node) => {
        if (declared || isFunction(node)) return false;
        if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.id.name === name) declared = true;
        return undefined;
      });
      return declared;
    }

    function isLocal(target: Node, fn: FunctionNode): boolean {
      const node = unwrap(target);
      return node.type === 'Identifier' && isDeclaredIn(node.name, fn);
    }

    /** Names under which a function value leaves the module (`export`, `exports.x =`, `module.exports = { x }`). */
    function exportNamesOf(fn: FunctionNode): string[] {
      let value: Node = outerExpression(fn);
      // `export const handler = middy(async (event) => …)`: the wrapper's result is what is exported.
      const wrapper = value.parent;
      if (wrapper?.type === 'CallExpression' && wrapper.callee !== value && wrapper.arguments.includes(value as TSESTree.CallExpressionArgument)) {
        value = outerExpression(wrapper);
      }
      const holder = value.parent;
      if (!holder) return [];
      const names: string[] = [];
      if (holder.type === 'ExportDefaultDeclaration') names.push('default');
      if (fn.type === 'FunctionDeclaration' && value === fn) {
        if (holder.type === 'ExportNamedDeclaration' && fn.id) names.push(fn.id.name);
        if (fn.id) names.push(...(exported.get(fn.id.name) ?? []));
      }
      if (holder.type === 'VariableDeclarator' && holder.id.type === 'Identifier') {
        if (holder.parent?.parent?.type === 'ExportNamedDeclaration') names.push(holder.id.name);
        names.push(...(exported.get(holder.id.name) ?? []));
      }
      if (holder.type === 'AssignmentExpression' && holder.right === value) {
        const exportName = commonJsExportName(holder.left);
        if (exportName !== undefined) names.push(exportName);
      }
      return names;
    }

    /**
     * The quick-fix: `const pool = new Pool(<module-level options>)` directly in a handler body moves
     * to module scope, above the top-level statement that holds the handler. Offered only when the
     * options can be evaluated there and the handler never ends the pool.
     */
    function moveToModuleScope(creation: TSESTree.NewExpression, fn: FunctionNode): Fix | undefined {
      const declarator = creation.parent;
      if (declarator?.type !== 'VariableDeclarator' || declarator.init !== creation || declarator.id.type !== 'Identifier') return undefined;
      const declaration = declarator.parent;
      if (declaration?.type !== 'VariableDeclaration' || declaration.kind !== 'const' || declaration.declarations.length !== 1) return undefined;
      if (fn.body.type !== 'BlockStatement' || declaration.parent !== fn.body) return undefined;
      const name = declarator.id.name;
      const statement = topLevelStatement(fn);
      if (!statement) return undefined;
      const moduleNames = moduleDeclarations(program);
      if (moduleNames.has(name)) return undefined;
      if (referencesTo(name, fn.body).some((ref) => isEndCall(ref))) return undefined;
      if (!evaluableAtModuleScope(creation, statement, moduleNames)) return undefined;

      const text = ctx.text;
      const removal = wholeLines(declaration.range);
      if (!removal) return undefined;
      const insertAt = lineStart(leadingCommentStart(statement));
      const targetIndent = text.slice(insertAt, statement.range[0]).match(/^[ \t]*/)![0];
      const sourceIndent = text.slice(lineStart(declaration.range[0]), declaration.range[0]);
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const lines = ctx.textOf(declaration).split(/\r?\n/);
      if (lines.slice(1).some((line) => line.trim() !== '' && !line.startsWith(sourceIndent))) return undefined;
      const moved = lines.map((line, i) => (i === 0 ? targetIndent + line : line.trim() === '' ? '' : targetIndent + line.slice(sourceIndent.length))).join(eol);
      if (!moved.trimEnd().endsWith(';') && /^[([`+\-/]/.test(ctx.textOf(statement))) return undefined;
      return {
        title: 'Move the pool to module scope',
        edits: [
          { range: [insertAt, insertAt], text: `${moved}${eol}${eol}` },
          { range: removal, text: '' },
        ],
      };
    }

    function isEndCall(ref: TSESTree.Identifier): boolean {
      const member = ref.parent;
      return member?.type === 'MemberExpression' && member.object === ref && propertyName(member) === 'end';
    }

    /** Literals, `process.env`, and module-level bindings declared before `statement`; no calls but `Number(...)`-style conversions. */
    function evaluableAtModuleScope(creation: TSESTree.NewExpression, statement: Node, moduleNames: Map<string, Node>): boolean {
      let ok = true;
      const allowed = new Set([
        'NewExpression', 'Identifier', 'Literal', 'TemplateLiteral', 'TemplateElement', 'MemberExpression', 'ObjectExpression',
        'Property', 'ArrayExpression', 'SpreadElement', 'LogicalExpression', 'BinaryExpression', 'ConditionalExpression',
        'UnaryExpression', 'CallExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeReference',
        'TSStringKeyword', 'TSNumberKeyword', 'TSAnyKeyword', 'TSTypeAnnotation',
      ]);
      walk(creation, (node) => {
        if (!ok) return false;
        if (!allowed.has(node.type)) ok = false;
        else if (node.type === 'CallExpression') {
          const callee = unwrap(node.callee);
          if (callee.type !== 'Identifier' || !SAFE_GLOBAL_CALLS.has(callee.name) || moduleNames.has(callee.name)) ok = false;
        } else if (node.type === 'TemplateElement' && node.value.raw.includes('\n')) ok = false;
        else if (node.type === 'Identifier' && isReference(node)) {
          const declaredBy = moduleNames.get(node.name);
          const global = declaredBy ? declaredBy.range[1] <= statement.range[0] : SAFE_GLOBALS.has(node.name);
          ok = global && !isShadowedBetween(node);
        }
        return ok ? undefined : false;
      });
      return ok;
    }

    /** A name the options read could be a parameter or local of the handler that hides the module-level one. */
    function isShadowedBetween(ref: TSESTree.Identifier): boolean {
      for (let node: Node | undefined = ref.parent; node; node = node.parent) if (isFunction(node) && isDeclaredIn(ref.name, node)) return true;
      return false;
    }

    function lineStart(offset: number): number {
      const text = ctx.text;
      let start = offset;
      while (start > 0 && text[start - 1] !== '\n') start--;
      return start;
    }

    /** The statement's range widened to whole lines, or undefined when other code shares its lines. */
    function wholeLines([start, end]: TSESTree.Range): TSESTree.Range | undefined {
      const text = ctx.text;
      const from = lineStart(start);
      if (text.slice(from, start).trim() !== '') return undefined;
      const newline = text.indexOf('\n', end);
      const to = newline < 0 ? text.length : newline + 1;
      if (text.slice(end, to).trim() !== '') return undefined;
      return [from, to];
    }

    /** Start of the comments directly above a statement (a JSDoc block stays with its function). */
    function leadingCommentStart(statement: Node): number {
      let start = statement.range[0];
      const comments = [...(program.comments ?? [])].filter((c) => c.range[1] <= start).reverse();
      for (const comment of comments) {
        if (ctx.text.slice(comment.range[1], start).trim() !== '' || /\n\s*\n/.test(ctx.text.slice(comment.range[1], start))) break;
        start = comment.range[0];
      }
      return start;
    }

    return {
      NewExpression(node) {
        if (ctx.model.isNewPool(node)) check(node);
      },
    };
  },
});

function isPathLike(node: Node | undefined): boolean {
  if (!node) return false;
  if (node.type === 'Literal') return typeof node.value === 'string' || 'regex' in node;
  return node.type === 'TemplateLiteral' || node.type === 'ArrayExpression';
}

function stringValue(node: Node | undefined): string | undefined {
  return node?.type === 'Literal' && typeof node.value === 'string' ? node.value : undefined;
}

/** The object literal passed to `server.route({...})`, `server.route([{...}])` or `fastify.get('/x', {...})`. */
function isRouteOptions(object: Node | undefined): boolean {
  if (object?.type !== 'ObjectExpression') return false;
  const parent = object.parent?.type === 'ArrayExpression' ? object.parent.parent : object.parent;
  if (parent?.type !== 'CallExpression') return false;
  const method = calleeName(parent);
  return method !== undefined && (method === 'route' || HTTP_METHODS.has(method));
}

function isNextRouteFile(fileName: string): boolean {
  return /(?:^|[\\/])route\.[cm]?[jt]sx?$/.test(fileName);
}

/** A server component rendered per request: `page.tsx` or `layout.tsx` under an `app` folder. */
function isAppRouterPageFile(fileName: string): boolean {
  return /(?:^|[\\/])app[\\/](?:.*[\\/])?(?:page|layout)\.[cm]?[jt]sx?$/.test(fileName);
}

function isPagesApiFile(fileName: string): boolean {
  return /(?:^|[\\/])pages[\\/]api[\\/]/.test(fileName);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a statement list member leaves the function (`return`, `throw`, or a block ending so). */
function endsFunction(statement: Node): boolean {
  if (statement.type === 'ReturnStatement' || statement.type === 'ThrowStatement') return true;
  return statement.type === 'BlockStatement' && statement.body.length > 0 && endsFunction(statement.body[statement.body.length - 1]);
}

/** `exports.x` / `module.exports.x` → x; `module.exports` → default. */
function commonJsExportName(target: Node): string | undefined {
  const node = unwrap(target);
  if (node.type !== 'MemberExpression') return undefined;
  const object = unwrap(node.object);
  const name = propertyName(node);
  if (object.type === 'Identifier' && object.name === 'module' && name === 'exports') return 'default';
  if (object.type === 'Identifier' && object.name === 'exports') return name;
  if (object.type === 'MemberExpression' && commonJsExportName(object) === 'default') return name;
  return undefined;
}

/**
 * Local name → export names, from `export { a as b }`, `export default a`, `exports.b = a`,
 * `module.exports = { b: a }`, and through one wrapper call (`export default withAuth(a)`,
 * `export const handler = middy(a)`).
 */
function exportedNames(program: TSESTree.Program): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (local: string, exportName: string) => names.set(local, [...(names.get(local) ?? []), exportName]);
  const addValue = (value: Node, exportName: string) => {
    const node = unwrap(value);
    if (node.type === 'Identifier') add(node.name, exportName);
    else if (node.type === 'CallExpression') {
      for (const arg of node.arguments) if (arg.type === 'Identifier') add(arg.name, exportName);
    }
  };
  for (const statement of program.body) {
    if (statement.type === 'ExportNamedDeclaration' && !statement.source) {
      if (statement.declaration?.type === 'FunctionDeclaration' && statement.declaration.id) add(statement.declaration.id.name, statement.declaration.id.name);
      if (statement.declaration?.type === 'VariableDeclaration') {
        for (const d of statement.declaration.declarations) {
          if (d.id.type !== 'Identifier') continue;
          add(d.id.name, d.id.name);
          if (d.init?.type === 'CallExpression') addValue(d.init, d.id.name);
        }
      }
      for (const specifier of statement.specifiers) {
        if (specifier.local.type === 'Identifier' && specifier.exported.type === 'Identifier') add(specifier.local.name, specifier.exported.name);
      }
    } else if (statement.type === 'ExportDefaultDeclaration') {
      addValue(statement.declaration, 'default');
    } else if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression') {
      const { left, right } = statement.expression;
      const exportName = commonJsExportName(left);
      const value = unwrap(right);
      if (exportName === undefined) continue;
      addValue(value, exportName);
      if (exportName === 'default' && value.type === 'ObjectExpression') {
        for (const property of value.properties) {
          if (property.type !== 'Property') continue;
          const key = keyName(property.key);
          const local = unwrap(property.value);
          if (key !== undefined && local.type === 'Identifier') add(local.name, key);
        }
      }
    }
  }
  return names;
}
