import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  callTakingFunction,
  calleeName,
  contains,
  calleeObject,
  declaredNames,
  functionName,
  hasRuntimeExports,
  immediateCall,
  isFunction,
  isInNestedFunction,
  outerExpression,
  patternNames,
  referenceIndex,
  referencesTo,
  topLevelStatement,
  type FunctionNode,
} from '../functions';
import { keyName, propertyName, unwrap } from '../pgModel';
import { moduleKey } from '../project';
import { walk } from '../traverse';
import { defineRule, type Fix, type RelatedInfo } from '../types';

type Node = TSESTree.Node;

/** How the script refers to a pool, which decides which `.end()` calls end it. */
type Binding =
  /** `start`: the top-level statement after which the pool exists at module scope (its declaration, or the last import). */
  | { kind: 'name'; name: string; start?: TSESTree.ProgramStatement }
  | { kind: 'property'; name: string }
  /** `new Pool()` used in place: any pool's `.end()` counts. */
  | { kind: 'any' };

/** On which runs of the script an end call is reached. */
type PathClass =
  | { kind: 'always' }
  | { kind: 'success' }
  | { kind: 'error' }
  /** Reached on success only, and an error is caught (and not re-thrown) before it: the failed run hangs. */
  | { kind: 'swallowed'; at: Node };

const SERVER_CALLS = new Set(['listen', 'createServer', 'serve', 'startStandaloneServer', 'setInterval', 'consume', 'subscribe']);
const SERVER_CLASSES = new Set(['ApolloServer', 'WebSocketServer', 'CronJob']);
/** Imported helpers that by their name close the database (`closePool()`, `db.shutdown()`). */
const CLOSING_NAME = /^(?:close|end|shutdown|disconnect|teardown|dispose|destroy)(?:[A-Z_$].*)?$/;
const STARTING_NAME = /^(?:start|serve|listen)(?:[A-Z_$].*)?$|Server$/;
const MAX_CALL_DEPTH = 6;
const ANY_POOL: Binding = { kind: 'any' };

export default defineRule({
  id: 'script-without-end',
  meta: {
    type: 'problem',
    description: 'A script that creates or imports a pool and does not end it on every exit path, so the process does not exit.',
    messages: {
      neverEnded:
        "This script never calls {{name}}.end(): the pool's open connections keep the process alive after the work is done (for idleTimeoutMillis, or for good). End the pool when the script finishes.",
      successOnly:
        '{{name}}.end() runs only when the script succeeds: after an error is caught, the pool keeps the process alive. End the pool in a finally block or a .finally() callback.',
      errorOnly:
        'This script ends only on its error path; when it succeeds, {{name}} keeps the process alive. End the pool in a finally block or a .finally() callback.',
    },
    hasFixes: true,
    defaultSeverity: 'warning',
  },
  create(ctx) {
    const program = ctx.ast;
    const localFunctions = new Map<string, FunctionNode>();
    let referenceCache: ReadonlyMap<string, readonly TSESTree.Identifier[]> | undefined;
    const references = () => (referenceCache ??= referenceIndex(program));
    let callCache: ReturnType<typeof calls> | undefined;
    /** Call-site answers for "does this run at all", shared by every pool created in the file. */
    const reachability = new Map<Node, PathClass[] | 'pending'>();
    const importedNames = new Set<string>();
    /** Calls, `new` and loops anywhere in the file, gathered by the analysis' one traversal (a walk of its own cost as much). */
    const workCandidates: Node[] = [];
    const gatherCandidate = (node: Node): void => {
      workCandidates.push(node);
    };

    function collectModuleBindings(): void {
      for (const statement of program.body) {
        const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
        if (declaration?.type === 'FunctionDeclaration' && declaration.id) localFunctions.set(declaration.id.name, declaration);
        if (declaration?.type === 'VariableDeclaration') {
          for (const declarator of declaration.declarations) {
            const init = declarator.init && unwrap(declarator.init);
            if (!init) continue;
            if (declarator.id.type === 'Identifier' && isFunction(init)) localFunctions.set(declarator.id.name, init);
            if (isRequire(init)) for (const name of patternNames(declarator.id)) importedNames.add(name);
          }
        }
        if (statement.type === 'ImportDeclaration') for (const name of declaredNames(statement)) importedNames.add(name);
      }
    }

    // ---- Is this file a script? ----------------------------------------------------------------

    function isScript(): boolean {
      if (startsLongRunningWork()) return false;
      const explicit = /^\uFEFF?#!/.test(ctx.text) || ctx.project?.scriptFiles.has(moduleKey(ctx.fileName)) === true;
      if (explicit) return true;
      const exports = hasRuntimeExports(program);
      const work = doesTopLevelWork();
      const inScriptFolder = /(?:^|[\\/])(?:scripts|bin)[\\/]/.test(ctx.fileName);
      return (inScriptFolder && (!exports || work)) || (work && !exports);
    }

    /** A server, a timer, a scheduler or a LISTEN loop: such a process is meant to keep running. */
    function startsLongRunningWork(): boolean {
      // Last first: a server usually starts at the end of its file, so the answer comes early.
      for (let i = workCandidates.length - 1; i >= 0; i--) if (startsWork(workCandidates[i])) return true;
      return false;
    }

    function startsWork(node: Node): boolean {
      if (node.type === 'CallExpression') {
        const name = calleeName(node);
        if (name === undefined) return false;
        return (
          SERVER_CALLS.has(name) ||
          (name === 'query' && /^\s*listen\s/i.test(stringValue(node.arguments[0]) ?? '')) ||
          (STARTING_NAME.test(name) && isImportedCall(node))
        );
      }
      if (node.type === 'NewExpression') {
        const name = calleeName(node);
        return name !== undefined && SERVER_CLASSES.has(name);
      }
      return isEndlessLoop(node);
    }

    function isImportedCall(call: TSESTree.CallExpression): boolean {
      const callee = unwrap(call.callee);
      if (callee.type === 'Identifier') return importedNames.has(callee.name);
      const object = calleeObject(call);
      return object?.type === 'Identifier' && importedNames.has(object.name);
    }

    /** Top-level `await`, or a top-level call of the file's own function, an IIFE, or a pool query. */
    function doesTopLevelWork(): boolean {
      let found = false;
      walk(program, (node) => {
        if (found || isFunction(node)) return false;
        if (node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await)) found = true;
        if (node.type === 'ExpressionStatement') {
          const root = rootCall(node.expression);
          if (root && (isLocalFunctionCall(root) || isIife(root) || ctx.model.isPoolMethodCall(root, 'query') || ctx.model.isConnectCall(root))) {
            found = true;
          }
        }
        return found ? false : undefined;
      });
      return found;
    }

    function isLocalFunctionCall(call: TSESTree.CallExpression): boolean {
      const callee = unwrap(call.callee);
      return callee.type === 'Identifier' && localFunctions.has(callee.name);
    }

    function isIife(call: TSESTree.CallExpression): boolean {
      return isFunction(unwrap(call.callee));
    }

    // ---- Where is the pool ended? --------------------------------------------------------------

    function isEndOf(binding: Binding, node: Node): boolean {
      if (node.type !== 'CallExpression') return false;
      if (isProcessExit(node)) return true;
      if (ctx.model.isPoolMethodCall(node, 'end')) {
        const pool = unwrap(ctx.model.poolOf(node)!);
        switch (binding.kind) {
          case 'any':
            return true;
          case 'name':
            return pool.type === 'Identifier' && pool.name === binding.name;
          case 'property':
            return pool.type === 'MemberExpression' && propertyName(pool) === binding.name;
        }
      }
      const name = calleeName(node);
      return name !== undefined && CLOSING_NAME.test(name) && isImportedCall(node);
    }

    function endSites(binding: Binding): TSESTree.CallExpression[] {
      return calls().all.filter((call) => isEndOf(binding, call));
    }

    /** Every call in the file, and `obj.name(...)` calls by method name: collected once, asked per pool. */
    function calls(): { all: TSESTree.CallExpression[]; byMethod: Map<string, TSESTree.CallExpression[]> } {
      if (callCache) return callCache;
      const all: TSESTree.CallExpression[] = [];
      const byMethod = new Map<string, TSESTree.CallExpression[]>();
      walk(program, (node) => {
        if (node.type !== 'CallExpression') return;
        all.push(node);
        const method = calleeObject(node) ? calleeName(node) : undefined;
        if (method !== undefined) byMethod.set(method, [...(byMethod.get(method) ?? []), node]);
      });
      return (callCache = { all, byMethod });
    }

    /** The runs on which `site` executes: walks up through try/catch/finally, promise chains and the calls of enclosing functions. */
    function classify(site: Node, binding: Binding, depth: number, seen = new Map<Node, PathClass[] | 'pending'>()): PathClass[] {
      let inError = false;
      let swallowedAt: Node | undefined;
      const finish = (outer: PathClass): PathClass => {
        if (outer.kind === 'always') return outer;
        if (inError) return { kind: 'error' };
        if (swallowedAt) return { kind: 'swallowed', at: swallowedAt };
        return outer;
      };

      let child: Node = site;
      for (let node: Node | undefined = site.parent; node; child = node, node = node.parent) {
        if (node.type === 'TryStatement') {
          if (child === node.finalizer) return [{ kind: 'always' }];
          // A try around the end call alone only guards the end call; a try around real work skips it on error.
          const guardsWork = node.block.body.some((statement) => !contains(statement, site));
          if (child === node.block && guardsWork && node.handler && !inError && !swallowedAt && swallows(node.handler.body, binding)) swallowedAt = node.handler;
          continue;
        }
        if (node.type === 'CatchClause') {
          inError = true;
          continue;
        }
        // `pool.end().catch(…)` only guards the end call itself.
        const chainedOnEnd = child === site && depth === 0;
        if (node.type === 'MemberExpression' && child === node.object && !chainedOnEnd && node.parent?.type === 'CallExpression' && node.parent.callee === node) {
          const call = node.parent;
          const method = propertyName(node);
          const handler = method === 'catch' ? call.arguments[0] : method === 'then' ? call.arguments[1] : undefined;
          if (handler && !inError && !swallowedAt && swallows(handler, binding)) swallowedAt = call;
          continue;
        }
        // A function (or a function's name) handed to a call runs when that call says.
        if (node.type === 'CallExpression' && child !== node.callee) {
          const method = calleeName(node);
          const receiver = calleeObject(node);
          const index = node.arguments.indexOf(child as TSESTree.CallExpressionArgument);
          if (method === 'finally') return [{ kind: 'always' }];
          if (receiver?.type === 'Identifier' && receiver.name === 'process' && (method === 'on' || method === 'once')) return [{ kind: 'always' }];
          if (method === 'catch' || (method === 'then' && index === 1)) inError = true;
          continue;
        }
        if (!isFunction(node)) continue;

        const invocation = immediateCall(node);
        if (invocation) {
          node = invocation;
          continue;
        }
        if (callTakingFunction(node)) continue;
        if (depth >= MAX_CALL_DEPTH) return [finish({ kind: 'success' })];
        const uses = usesOf(node);
        if (uses === undefined) return [finish({ kind: 'success' })];
        return distinct(uses.flatMap((use) => classifyUse(use, binding, depth + 1, seen).map(finish)));
      }
      return [finish({ kind: 'success' })];
    }

    /** `classify` for a call site, once per site: a function called from many places, or from itself, stays cheap. */
    function classifyUse(use: Node, binding: Binding, depth: number, seen: Map<Node, PathClass[] | 'pending'>): PathClass[] {
      const known = seen.get(use);
      if (known === 'pending') return [];
      if (known) return known;
      seen.set(use, 'pending');
      const result = classify(use, binding, depth, seen);
      seen.set(use, result);
      return result;
    }

    /**
     * Where a function runs from: its calls, the places that hand it to a call (`setImmediate(main)`,
     * `.finally(cleanup)`), `obj.method()` calls for methods and `new C()` for constructors. Undefined
     * when the function has no name to look for.
     */
    function usesOf(fn: FunctionNode): Node[] | undefined {
      const holder = outerExpression(fn).parent;
      if (holder?.type === 'MethodDefinition' && holder.kind === 'constructor') {
        const className = classNameOf(holder.parent?.parent);
        if (className === undefined) return undefined;
        const constructions: Node[] = [];
        walk(program, (node) => {
          if (node.type === 'NewExpression' && node.callee.type === 'Identifier' && node.callee.name === className) constructions.push(node);
        });
        return constructions;
      }
      const name = functionName(fn);
      if (name === undefined) return undefined;
      if (holder?.type === 'MethodDefinition' || holder?.type === 'Property' || holder?.type === 'PropertyDefinition') {
        return calls().byMethod.get(name) ?? [];
      }
      return (references().get(name) ?? []).flatMap((ref) => {
        const call = ref.parent;
        if (call?.type !== 'CallExpression') return [];
        return [call.callee === ref ? call : ref];
      });
    }

    /** A catch handler that neither ends the pool, exits, nor re-throws lets a failed run go on with the pool open. */
    function swallows(handler: Node, binding: Binding): boolean {
      const target = unwrap(handler);
      if (target.type === 'BlockStatement') return !endsOrThrows(target, binding, 0);
      const fn = isFunction(target) ? target : target.type === 'Identifier' ? localFunctions.get(target.name) : undefined;
      if (fn) return !endsOrThrows(fn.body, binding, 0);
      // `.catch(console.error)` logs and carries on; an unknown imported handler may well exit.
      const object = target.type === 'MemberExpression' ? unwrap(target.object) : undefined;
      return object?.type === 'Identifier' && object.name === 'console';
    }

    function endsOrThrows(body: Node, binding: Binding, depth: number): boolean {
      let found = false;
      walk(body, (node) => {
        if (found) return false;
        if (node !== body && isFunction(node) && !callTakingFunction(node)) return false;
        if (node.type === 'ThrowStatement' || isEndOf(binding, node)) found = true;
        else if (node.type === 'CallExpression' && depth < MAX_CALL_DEPTH) {
          const callee = unwrap(node.callee);
          const local = callee.type === 'Identifier' ? localFunctions.get(callee.name) : undefined;
          if (local && endsOrThrows(local.body, binding, depth + 1)) found = true;
          const rejects = callee.type === 'MemberExpression' && propertyName(callee) === 'reject' && unwrap(callee.object).type === 'Identifier';
          if (rejects) found = true;
        }
        return found ? false : undefined;
      });
      return found;
    }

    // ---- Reporting -----------------------------------------------------------------------------

    function check(binding: Binding, reportAt: Node): void {
      const classes = endSites(binding).flatMap((site) => classify(site, binding, 0));
      const name = binding.kind === 'any' ? 'pool' : binding.name;
      if (classes.some((c) => c.kind === 'always' || c.kind === 'success')) return;
      const swallowed = classes.find((c): c is Extract<PathClass, { kind: 'swallowed' }> => c.kind === 'swallowed');
      if (swallowed) {
        const related: RelatedInfo[] = [{ range: swallowed.at.range, message: 'the error is caught here and the pool is not ended' }];
        ctx.report({ node: reportAt, messageId: 'successOnly', data: { name }, related });
        return;
      }
      const fix = binding.kind === 'name' && !hasEndCall(binding) ? endWhenFinished(binding) : undefined;
      ctx.report({
        node: reportAt,
        messageId: classes.length > 0 ? 'errorOnly' : 'neverEnded',
        data: { name },
        ...(fix ? { fixes: [fix] } : {}),
      });
    }

    function hasEndCall(binding: Binding): boolean {
      return endSites(binding).some((site) => !isProcessExit(site));
    }

    function bindingOf(creation: TSESTree.NewExpression): Binding {
      const value = outerExpression(creation);
      const parent = value.parent;
      if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') {
        const declaration = parent.parent!;
        const statement = declaration.parent?.type === 'ExportNamedDeclaration' ? declaration.parent : declaration;
        return { kind: 'name', name: parent.id.name, start: statement.parent?.type === 'Program' ? (statement as TSESTree.ProgramStatement) : undefined };
      }
      if (parent?.type === 'AssignmentExpression' && parent.right === value) {
        const target = unwrap(parent.left);
        if (target.type === 'Identifier') return { kind: 'name', name: target.name };
        if (target.type === 'MemberExpression') {
          const name = propertyName(target);
          if (name !== undefined) return { kind: 'property', name };
        }
      }
      if ((parent?.type === 'Property' || parent?.type === 'PropertyDefinition') && parent.value === value) {
        const name = keyName(parent.key);
        if (name !== undefined) return { kind: 'property', name };
      }
      return { kind: 'any' };
    }

    // ---- The fix -------------------------------------------------------------------------------

    /** `main()` / `main().catch(…)` gains `.finally(() => pool.end())`; top-level awaited work is wrapped in try/finally. */
    function endWhenFinished(binding: Extract<Binding, { kind: 'name' }>): Fix | undefined {
      const start = binding.start;
      if (!start) return undefined;
      const entries = entryCalls();
      if (entries.length === 1) {
        const { statement, chain, fn, linked } = entries[0];
        // Ending the pool when main() settles is right only if nothing after it still runs work.
        const later = program.body.slice(program.body.indexOf(topLevelStatement(statement)!) + 1);
        if (chain.range[0] > start.range[1] && (fn.async || linked) && !later.some(runsWork)) {
          return {
            title: 'End the pool when the script finishes',
            edits: [{ range: [chain.range[1], chain.range[1]], text: `.finally(() => ${binding.name}.end())` }],
          };
        }
      }
      // Wrapping in try/finally waits only for awaited work: a floating main() would lose its pool.
      if (entries.some((entry) => !entry.awaited)) return undefined;
      return wrapInTryFinally(binding.name, start);
    }

    /** Top-level statements (outside functions) that call one of the file's own functions or an IIFE, possibly through `.then/.catch/.finally`. */
    function entryCalls(): Array<{ statement: Node; chain: Node; fn: FunctionNode; linked: boolean; awaited: boolean }> {
      const entries: Array<{ statement: Node; chain: Node; fn: FunctionNode; linked: boolean; awaited: boolean }> = [];
      walk(program, (node) => {
        if (isFunction(node)) return false;
        if (node.type !== 'ExpressionStatement') return undefined;
        let expression = unwrap(node.expression);
        const awaited = expression.type === 'AwaitExpression';
        if (awaited || (expression.type === 'UnaryExpression' && expression.operator === 'void')) {
          expression = unwrap((expression as TSESTree.AwaitExpression | TSESTree.UnaryExpression).argument);
        }
        const root = rootCall(expression);
        const callee = root && unwrap(root.callee);
        const fn = callee && isFunction(callee) ? callee : callee?.type === 'Identifier' ? localFunctions.get(callee.name) : undefined;
        if (root && fn) entries.push({ statement: node, chain: expression, fn, linked: expression !== root, awaited });
        return false;
      });
      return entries;
    }

    /** A statement that calls or awaits something at the top level (function bodies do not count). */
    function runsWork(statement: Node): boolean {
      let found = false;
      walk(statement, (node) => {
        if (found || isFunction(node)) return false;
        if (node.type === 'CallExpression' || node.type === 'AwaitExpression' || node.type === 'NewExpression') found = true;
        return found ? false : undefined;
      });
      return found;
    }

    function lastImport(): TSESTree.ProgramStatement | undefined {
      const imports = program.body.filter((statement) => statement.type === 'ImportDeclaration');
      return imports[imports.length - 1];
    }

    function wrapInTryFinally(name: string, after: TSESTree.ProgramStatement): Fix | undefined {
      const index = program.body.indexOf(after);
      const work = program.body.slice(index + 1);
      // TypeScript scripts end with \`export {}\` to be modules; it stays outside the try.
      while (work.length > 0 && isEmptyExport(work[work.length - 1])) work.pop();
      if (work.length === 0) return undefined;
      if (work.some((s) => s.type === 'ImportDeclaration' || s.type.startsWith('Export') || s.type === 'TSImportEqualsDeclaration')) return undefined;
      if (!work.some((s) => containsTopLevelAwait(s))) return undefined;
      const declared = work.flatMap(declaredNames);
      for (const statement of program.body.slice(0, index + 1)) {
        if (declared.some((n) => referencesTo(n, statement).length > 0)) return undefined;
      }
      let multiLineTemplate = false;
      for (const statement of work) {
        walk(statement, (node) => {
          if (node.type === 'TemplateElement' && node.value.raw.includes('\n')) multiLineTemplate = true;
        });
      }
      if (multiLineTemplate) return undefined;

      const text = ctx.text;
      const from = lineStart(work[0].range[0]);
      if (text.slice(from, work[0].range[0]).trim() !== '') return undefined;
      const lastEnd = work[work.length - 1].range[1];
      const newline = text.indexOf('\n', lastEnd);
      const to = newline < 0 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
      if (!/^\s*(?:\/\/.*)?$/.test(text.slice(lastEnd, to))) return undefined;

      const indent = indentUnit();
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const semicolon = text.slice(after.range[0], after.range[1]).trimEnd().endsWith(';') ? ';' : '';
      const body = text
        .slice(from, to)
        .split(/\r?\n/)
        .map((line) => (line.trim() === '' ? '' : indent + line))
        .join(eol);
      return {
        title: 'End the pool when the script finishes',
        edits: [{ range: [from, to], text: `try {${eol}${body}${eol}} finally {${eol}${indent}await ${name}.end()${semicolon}${eol}}` }],
      };
    }

    function containsTopLevelAwait(statement: Node): boolean {
      let found = false;
      walk(statement, (node) => {
        if (found || isFunction(node)) return false;
        if (node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await)) found = true;
        return undefined;
      });
      return found;
    }

    function indentUnit(): string {
      const match = /^([ \t]+)\S/m.exec(ctx.text);
      return match ? (match[1].startsWith('\t') ? '\t' : match[1].length >= 4 ? '    ' : '  ') : '  ';
    }

    function lineStart(offset: number): number {
      let start = offset;
      while (start > 0 && ctx.text[start - 1] !== '\n') start--;
      return start;
    }

    return {
      CallExpression: gatherCandidate,
      NewExpression: gatherCandidate,
      ForStatement: gatherCandidate,
      WhileStatement: gatherCandidate,
      DoWhileStatement: gatherCandidate,
      'Program:exit'() {
        if (ctx.model.poolCreations.length === 0 && ctx.model.importedPools.size === 0) return;
        collectModuleBindings();
        if (!isScript()) return;
        for (const creation of ctx.model.poolCreations) {
          if (isInNestedFunction(creation, program) && !reachable(creation)) continue;
          check(bindingOf(creation), creation);
        }
        for (const [name, node] of ctx.model.importedPools) {
          const statement = node.type === 'VariableDeclarator' ? node.parent! : node;
          const start = statement.type === 'ImportDeclaration' ? lastImport() : statement.parent?.type === 'Program' ? (statement as TSESTree.ProgramStatement) : undefined;
          check({ kind: 'name', name, start }, node);
        }
      },
    };

    /** A pool created in a function the script never calls does not keep it alive. */
    function reachable(creation: TSESTree.NewExpression): boolean {
      return classify(creation, ANY_POOL, 0, reachability).length > 0;
    }
  },
});

/** The classes that differ: a function called from many places must not multiply the answers. */
function distinct(classes: PathClass[]): PathClass[] {
  const seen = new Set<string>();
  return classes.filter((c) => {
    const key = c.kind === 'swallowed' ? `swallowed:${c.at.range[0]}` : c.kind;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The innermost call of `f().then(…).catch(…)`, or the call itself. */
function rootCall(expression: Node): TSESTree.CallExpression | undefined {
  let node = unwrap(expression);
  if (node.type === 'AwaitExpression' || (node.type === 'UnaryExpression' && node.operator === 'void')) node = unwrap(node.argument);
  while (node.type === 'CallExpression') {
    const callee = unwrap(node.callee);
    if (callee.type === 'MemberExpression' && ['then', 'catch', 'finally'].includes(propertyName(callee) ?? '') && unwrap(callee.object).type === 'CallExpression') {
      node = unwrap(callee.object);
      continue;
    }
    return node;
  }
  return undefined;
}

function classNameOf(node: Node | undefined): string | undefined {
  if ((node?.type === 'ClassDeclaration' || node?.type === 'ClassExpression') && node.id) return node.id.name;
  const holder = node?.parent;
  return holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier' ? holder.id.name : undefined;
}

/** `while (true)`, `for (;;)` with no `break` or `return` out of it: a polling worker meant to run until it is killed. */
function isEndlessLoop(node: Node): boolean {
  const endless =
    (node.type === 'ForStatement' && node.test === null) ||
    ((node.type === 'WhileStatement' || node.type === 'DoWhileStatement') && node.test.type === 'Literal' && node.test.value === true);
  if (!endless) return false;
  let leaves = false;
  walk((node as TSESTree.ForStatement | TSESTree.WhileStatement | TSESTree.DoWhileStatement).body, (inner) => {
    if (leaves || isFunction(inner)) return false;
    if (inner.type === 'ReturnStatement' || (inner.type === 'BreakStatement' && (inner.label !== null || !isInsideBreakable(inner, node)))) leaves = true;
    return leaves ? false : undefined;
  });
  return !leaves;
}

/** Whether an unlabelled `break` belongs to a loop or switch nested inside `loop`, not to `loop` itself. */
function isInsideBreakable(statement: Node, loop: Node): boolean {
  for (let current = statement.parent; current && current !== loop; current = current.parent) {
    if (current.type === 'SwitchStatement' || /^(?:For|ForIn|ForOf|While|DoWhile)Statement$/.test(current.type)) return true;
  }
  return false;
}

function isEmptyExport(statement: Node): boolean {
  return statement.type === 'ExportNamedDeclaration' && !statement.declaration && !statement.source && statement.specifiers.length === 0;
}

function isProcessExit(node: Node): boolean {
  if (node.type !== 'CallExpression') return false;
  const callee = unwrap(node.callee);
  return (
    callee.type === 'MemberExpression' &&
    propertyName(callee) === 'exit' &&
    unwrap(callee.object).type === 'Identifier' &&
    (unwrap(callee.object) as TSESTree.Identifier).name === 'process'
  );
}

function isRequire(node: Node): boolean {
  return node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require';
}

function stringValue(node: Node | undefined): string | undefined {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node?.type === 'TemplateLiteral' && node.quasis.length === 1) return node.quasis[0].value.cooked ?? undefined;
  return undefined;
}
