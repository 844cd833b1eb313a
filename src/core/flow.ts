import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { clientMentions, type ClientMentions } from './clientMentions';
import { isReleaseCall, isReleaseReference, isClient, isEscapingReference, releaseSites, type TrackedClient } from './clientUse';
import { isFunction, isReference, patternNames, type FunctionNode } from './functions';
import { propertyName, unwrap } from './pgModel';
import { walk } from './traverse';

type Node = TSESTree.Node;

/**
 * Path reasoning for one pool client: does every path from the checkout reach a release?
 *
 * An abstract interpreter over the AST. The state on a path is a `Fact`: no client yet, client held,
 * or client released (or handed to someone who owns it). Statements move facts forward; `return`,
 * `throw`, `break` and `continue` leave as exits that `try`/`finally`, loops and labels pick up.
 * A held fact that leaves the analysed function is a leak, and it carries the first event that put it
 * on that path (the call that threw, the early return, the branch that skipped the release).
 *
 * What can throw (the model the docs page describes): any call, `new`, `await`, `yield`, tagged
 * template or dynamic import. Literals, identifiers, member reads, operators and assignments of those
 * cannot. A release call itself is not counted as a throw point.
 */

export type ExitKeyword = 'return' | 'throw' | 'break' | 'continue';

export type LeakCause =
  /** The call, `await` or `new` that may throw (or reject) while the client is held. */
  | { kind: 'throws'; node: Node }
  /** A promise in a `.then` chain rejects and no later step releases the client. */
  | { kind: 'rejects'; node: Node }
  /** An explicit exit while the client is held. `early` when statements follow it in its function. */
  | { kind: 'exit'; keyword: ExitKeyword; early: boolean; node: Node }
  /** An `if` whose other branch releases the client: this branch does not. */
  | { kind: 'branch'; node: Node };

/** A path that ends with the client still held. `cause` is undefined when nothing more specific is known. */
export interface Leak {
  cause: LeakCause | undefined;
}

type Status = 'none' | 'held' | 'released';

interface Fact {
  status: Status;
  cause?: LeakCause;
}

interface Exit {
  keyword: ExitKeyword;
  label?: string;
  fact: Fact;
}

interface Outcome {
  normal: Fact[];
  exits: readonly Exit[];
}

interface Mode {
  /** The function whose body is being walked (the analysis root or a callback). */
  fn: FunctionNode | TSESTree.Program;
  /** Calls and awaits count as throw points: async code and promise callbacks. */
  implicitThrows: boolean;
  /** `return x` adopts a promise, so a rejected `x` throws (async functions, promise callbacks). */
  adoptsReturns: boolean;
}

export interface FlowClient extends TrackedClient {
  /** Callback style: the error parameter. Where it is truthy there is no client. */
  errorName?: string;
  /** The checkout the root evaluates (`const c = await pool.connect()`); the root starts without a client. */
  acquisition?: TSESTree.CallExpression;
  /** Told about releases and uses on paths where the client was already released (double-release). */
  observer?: ReleaseObserver;
  /** Where the root names the client, when the caller already has it (built from the root otherwise). */
  mentions?: ClientMentions;
}

/** Receives what happens after a release; a site may be reported more than once (loops are walked again). */
export interface ReleaseObserver {
  /** A release call on a path where the client was already released. */
  releasedAgain(site: TSESTree.CallExpression): void;
  /** A method call on the client on a path where it was already released. */
  usedAfterRelease(site: TSESTree.CallExpression): void;
  /** A release call on a path where the client is still held: removing that call would leak it there. */
  releasedWhileHeld?(site: TSESTree.CallExpression): void;
}

/** Facts per status and kind of cause kept at one program point; more causes add nothing to the report. */
const MAX_FACTS_PER_STATUS = 4;
/** Loops reach a fixed point within a few rounds; this bound only guards against a modelling mistake. */
const MAX_LOOP_ROUNDS = 12;

const NONE: Fact = { status: 'none' };
const HELD: Fact = { status: 'held' };
/** The exits of the many statements and expressions that have none; never mutated. */
const NO_EXITS: readonly Exit[] = Object.freeze([]);

/**
 * Leaks of a client checked out by `const c = await pool.connect()` (or an assignment) inside `root`:
 * the root's body runs from its start without a client and holds one from the checkout on.
 */
export function leaksAfterCheckout(root: FunctionNode | TSESTree.Program, client: FlowClient): Leak[] {
  const interpreter = new Interpreter(client, root);
  const isAsync = root.type === 'Program' || root.async;
  return interpreter.runRoot(root, [NONE], { fn: root, implicitThrows: isAsync, adoptsReturns: root.type !== 'Program' && root.async });
}

/**
 * Leaks of a client handed to `callback` holding it: `pool.connect((err, client, done) => …)` (node
 * style: `promise` false) or `pool.connect().then((client) => …)` (promise style).
 */
export function leaksInCallback(callback: FunctionNode, client: FlowClient, promise: boolean): Leak[] {
  const interpreter = new Interpreter(client, callback);
  const throws = promise || callback.async;
  return interpreter.runRoot(callback, [HELD], { fn: callback, implicitThrows: throws, adoptsReturns: throws });
}

class Interpreter {
  private mode!: Mode;
  private root!: FunctionNode | TSESTree.Program;
  /** The callback's error parameter while it is in scope (a nested callback may reuse the name). */
  private errorName: string | undefined;
  /** Held facts lost without leaving the function: the variable is overwritten by a new checkout. */
  private readonly lost: Fact[] = [];
  /** Answers most "does this release or mention the client?" questions without walking the subtree. */
  private readonly mentions: ClientMentions;
  /** Whether released facts are followed too (an observer wants to see them released or used again). */
  private readonly followsReleased: boolean;
  /** The last node `throwPoint` was asked about, and its answer. */
  private throwPointAsked: Node | undefined;
  private throwPointFound: Node | undefined;

  constructor(
    private readonly client: FlowClient,
    root: FunctionNode | TSESTree.Program,
  ) {
    this.errorName = client.errorName;
    this.mentions = client.mentions ?? clientMentions(root, client);
    this.followsReleased = client.observer !== undefined;
  }

  runRoot(root: FunctionNode | TSESTree.Program, start: Fact[], mode: Mode): Leak[] {
    this.root = root;
    this.mode = mode;
    const outcome = this.body(root, start);
    const ending = [...outcome.normal, ...outcome.exits.map((exit) => exit.fact), ...this.lost];
    return dedupe(ending.filter((fact) => fact.status === 'held')).map((fact) => ({ cause: fact.cause }));
  }

  private body(fn: FunctionNode | TSESTree.Program, facts: Fact[]): Outcome {
    if (fn.type === 'Program') return this.statements(fn.body, facts);
    if (fn.body.type === 'BlockStatement') return this.statements(fn.body.body, facts);
    const value = this.returned(fn.body, facts);
    return { normal: [], exits: [...value.exits, ...value.normal.map((fact) => ({ keyword: 'return' as const, fact }))] };
  }

  // ---- statements -------------------------------------------------------------------------------

  private statements(list: readonly Node[], facts: Fact[]): Outcome {
    let normal = facts;
    let exits: Exit[] | undefined;
    for (const statement of list) {
      if (normal.length === 0) break;
      const outcome = this.statement(statement, normal);
      normal = outcome.normal;
      if (outcome.exits.length > 0) (exits ??= []).push(...outcome.exits);
    }
    return { normal, exits: exits ? dedupeExits(exits) : NO_EXITS };
  }

  private statement(node: Node, facts: Fact[]): Outcome {
    if (facts.length === 0) return { normal: [], exits: NO_EXITS };
    // Without a held client and without the checkout, nothing here can leak: skip the walk. Keeping
    // the facts as the normal outcome may add a path that does not exist, which never adds a leak.
    // An observer also follows released clients, to see them released or used again.
    if (!this.followsAny(facts) && !this.containsCheckout(node)) return { normal: facts, exits: NO_EXITS };
    switch (node.type) {
      case 'BlockStatement':
      case 'StaticBlock':
        return this.statements(node.body, facts);
      case 'ExpressionStatement':
        return this.expression(node.expression, facts);
      case 'VariableDeclaration': {
        let normal = facts;
        let exits: Exit[] | undefined;
        for (const declarator of node.declarations) {
          if (!declarator.init) continue;
          const outcome = this.expression(declarator.init, normal);
          normal = outcome.normal;
          if (outcome.exits.length > 0) (exits ??= []).push(...outcome.exits);
        }
        return { normal, exits: exits ? dedupeExits(exits) : NO_EXITS };
      }
      case 'ReturnStatement': {
        const value = node.argument ? this.returned(node.argument, facts) : { normal: facts, exits: NO_EXITS };
        return { normal: [], exits: [...value.exits, ...value.normal.map((fact) => this.exit('return', fact, node))] };
      }
      case 'ThrowStatement': {
        const value = this.expression(node.argument, facts);
        return { normal: [], exits: [...value.exits, ...value.normal.map((fact) => this.exit('throw', fact, node))] };
      }
      case 'BreakStatement':
      case 'ContinueStatement': {
        const keyword = node.type === 'BreakStatement' ? 'break' : 'continue';
        return { normal: [], exits: facts.map((fact) => this.exit(keyword, fact, node, node.label?.name)) };
      }
      case 'IfStatement':
        return this.ifStatement(node, facts);
      case 'TryStatement':
        return this.tryStatement(node, facts);
      case 'SwitchStatement':
        return this.switchStatement(node, facts);
      case 'LabeledStatement': {
        const outcome = isLoopNode(node.body) ? this.loop(node.body, facts, node.label.name) : this.statement(node.body, facts);
        const ours = (exit: Exit) => exit.keyword === 'break' && exit.label === node.label.name;
        return {
          normal: join(outcome.normal, outcome.exits.filter(ours).map((exit) => exit.fact)),
          exits: outcome.exits.filter((exit) => !ours(exit)),
        };
      }
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
        return this.loop(node, facts, undefined);
      default:
        // Declarations of functions, classes, types, imports and exports: nothing runs here.
        if (node.type === 'ExportNamedDeclaration' && node.declaration) return this.statement(node.declaration, facts);
        return { normal: facts, exits: NO_EXITS };
    }
  }

  /** Whether any fact is one the walk follows: a held client, or a released one when an observer watches. */
  private followsAny(facts: readonly Fact[]): boolean {
    for (const fact of facts) if (fact.status === 'held' || (this.followsReleased && fact.status === 'released')) return true;
    return false;
  }

  private ifStatement(node: TSESTree.IfStatement, facts: Fact[]): Outcome {
    const test = this.expression(node.test, facts);
    const [whenTrue, whenFalse] = this.split(node.test, test.normal);
    const consequent = this.statement(node.consequent, whenTrue);
    const alternate = node.alternate ? this.statement(node.alternate, whenFalse) : { normal: whenFalse, exits: NO_EXITS };
    const branches = [...consequent.normal, ...alternate.normal];
    // One branch gives the client back and the other keeps it: name the `if` as the place it leaks.
    const tag = branches.some((fact) => fact.status === 'released')
      ? (fact: Fact): Fact => (fact.status === 'held' && !fact.cause ? { status: 'held', cause: { kind: 'branch', node: node.test } } : fact)
      : (fact: Fact) => fact;
    return {
      normal: join(branches.map(tag)),
      exits: dedupeExits([...test.exits, ...consequent.exits, ...alternate.exits]),
    };
  }

  private tryStatement(node: TSESTree.TryStatement, facts: Fact[]): Outcome {
    const block = this.statements(node.block.body, facts);
    let normal = block.normal;
    let exits = block.exits;
    if (node.handler) {
      const thrown = exits.filter((exit) => exit.keyword === 'throw').map((exit) => exit.fact);
      const handler = this.statements(node.handler.body.body, dedupe(thrown));
      normal = join(normal, handler.normal);
      exits = [...exits.filter((exit) => exit.keyword !== 'throw'), ...handler.exits];
    }
    if (!node.finalizer) return { normal, exits: dedupeExits(exits) };
    const finalizer = node.finalizer.body;
    const afterNormal = this.statements(finalizer, normal);
    const resumed: Exit[] = [...afterNormal.exits];
    // The finally block runs on every way out of the try; an exit that survives it carries on.
    for (const exit of exits) {
      const after = this.statements(finalizer, [exit.fact]);
      resumed.push(...after.exits, ...after.normal.map((fact) => ({ ...exit, fact })));
    }
    return { normal: afterNormal.normal, exits: dedupeExits(resumed) };
  }

  private switchStatement(node: TSESTree.SwitchStatement, facts: Fact[]): Outcome {
    const discriminant = this.expression(node.discriminant, facts);
    const exits: Exit[] = [...discriminant.exits];
    const breaks: Fact[] = [];
    let fallthrough: Fact[] = [];
    for (const switchCase of node.cases) {
      const entry = join(discriminant.normal, fallthrough);
      const outcome = this.statements(switchCase.consequent, entry);
      fallthrough = outcome.normal;
      for (const exit of outcome.exits) {
        if (exit.keyword === 'break' && exit.label === undefined) breaks.push(exit.fact);
        else exits.push(exit);
      }
    }
    const hasDefault = node.cases.some((switchCase) => switchCase.test === null);
    return { normal: join(fallthrough, breaks, hasDefault ? [] : discriminant.normal), exits: dedupeExits(exits) };
  }

  private loop(node: LoopNode, facts: Fact[], label: string | undefined): Outcome {
    const exits: Exit[] = [];
    let entry = facts;
    if (node.type === 'ForStatement' && node.init) {
      const init = node.init.type === 'VariableDeclaration' ? this.statement(node.init, entry) : this.expression(node.init, entry);
      exits.push(...init.exits);
      entry = init.normal;
    } else if (node.type === 'ForInStatement' || node.type === 'ForOfStatement') {
      const right = this.expression(node.right, entry);
      exits.push(...right.exits);
      entry = right.normal;
    }
    const isOurs = (exit: Exit) => exit.label === undefined || exit.label === label;
    const test = 'test' in node ? node.test : null;
    const endless = test === null ? node.type === 'ForStatement' : isTrueLiteral(test);
    let head = entry;
    let leaving: Fact[] = [];
    const breaks: Fact[] = [];
    for (let round = 0; round < MAX_LOOP_ROUNDS; round++) {
      const runTest = (input: Fact[]) => {
        if (!test) return input;
        const outcome = this.expression(test, input);
        exits.push(...outcome.exits);
        return outcome.normal;
      };
      let bodyEntry: Fact[];
      if (node.type === 'DoWhileStatement') {
        bodyEntry = head;
      } else {
        bodyEntry = runTest(head);
        leaving = join(leaving, bodyEntry);
        if (node.type === 'ForOfStatement' && node.await && this.mode.implicitThrows) {
          exits.push(...bodyEntry.map((fact) => this.throwExit(fact, node.right)));
        }
      }
      const body = this.statement(node.body, bodyEntry);
      let next = body.normal;
      for (const exit of body.exits) {
        if (exit.keyword === 'continue' && isOurs(exit)) next = join(next, [exit.fact]);
        else if (exit.keyword === 'break' && isOurs(exit)) breaks.push(exit.fact);
        else exits.push(exit);
      }
      if (node.type === 'ForStatement' && node.update) {
        const update = this.expression(node.update, next);
        exits.push(...update.exits);
        next = update.normal;
      }
      if (node.type === 'DoWhileStatement') {
        next = runTest(next);
        leaving = join(leaving, next);
      }
      const widened = join(head, next);
      if (widened.length === head.length) break;
      head = widened;
    }
    const normal = join(endless ? [] : leaving, breaks);
    return { normal, exits: dedupeExits(exits) };
  }

  // ---- expressions ------------------------------------------------------------------------------

  private sequence(nodes: readonly Node[], facts: Fact[]): Outcome {
    let normal = facts;
    let exits: Exit[] | undefined;
    for (const node of nodes) {
      const outcome = this.expression(node, normal);
      normal = outcome.normal;
      if (outcome.exits.length > 0) (exits ??= []).push(...outcome.exits);
    }
    return { normal, exits: exits ? dedupeExits(exits) : NO_EXITS };
  }

  /** `return x` (and an arrow's expression body): the client handed back to the caller is not ours any more. */
  private returned(node: Node, facts: Fact[]): Outcome {
    const outcome = this.mode.adoptsReturns ? this.awaited(node, facts) : this.expression(node, facts);
    if (!this.handsOverClient(node)) return outcome;
    return { normal: outcome.normal.map(release), exits: outcome.exits };
  }

  private expression(node: Node, facts: Fact[]): Outcome {
    if (facts.length === 0) return { normal: [], exits: NO_EXITS };
    const { acquisition } = this.client;
    if (acquisition && containsOutsideFunctions(node, acquisition)) return this.checkout(facts);
    const inner = unwrap(node);
    switch (inner.type) {
      case 'AwaitExpression':
        return this.awaited(inner.argument, facts, inner);
      case 'CallExpression':
        return this.call(inner, facts);
      case 'ConditionalExpression': {
        const test = this.expression(inner.test, facts);
        const [whenTrue, whenFalse] = this.split(inner.test, test.normal);
        const consequent = this.expression(inner.consequent, whenTrue);
        const alternate = this.expression(inner.alternate, whenFalse);
        return {
          normal: join(consequent.normal, alternate.normal),
          exits: dedupeExits([...test.exits, ...consequent.exits, ...alternate.exits]),
        };
      }
      case 'LogicalExpression': {
        const left = this.expression(inner.left, facts);
        const [whenTrue, whenFalse] = this.split(inner.left, left.normal);
        const runsRight = inner.operator === '&&' ? whenTrue : inner.operator === '||' ? whenFalse : left.normal;
        const skipsRight = inner.operator === '&&' ? whenFalse : inner.operator === '||' ? whenTrue : left.normal;
        const right = this.expression(inner.right, runsRight);
        return { normal: join(skipsRight, right.normal), exits: dedupeExits([...left.exits, ...right.exits]) };
      }
      case 'SequenceExpression':
        return this.sequence(inner.expressions, facts);
      case 'UnaryExpression':
        return this.expression(inner.argument, facts);
      case 'AssignmentExpression': {
        const assigned = this.expression(inner.right, facts);
        // `client = undefined` after a release: a later `if (client) client.release()` does not run.
        if (inner.operator === '=' && isClient(inner.left, this.client)) {
          return { normal: assigned.normal.map((fact) => (fact.status === 'released' ? NONE : fact)), exits: assigned.exits };
        }
        // `this.cleanup = () => client.release()`: whoever calls it later owns the release now.
        if (!this.mentions.mayRelease(inner.right) || !storesReleasingFunction(inner.right, this.client, this.mentions)) return assigned;
        return { normal: assigned.normal.map(release), exits: assigned.exits };
      }
      default:
        return this.opaque(inner, facts);
    }
  }

  /** An expression with no transition of its own: it may still throw. */
  private opaque(node: Node, facts: Fact[]): Outcome {
    if (this.releasesOutsideFunctions(node)) return { normal: facts.map(release), exits: NO_EXITS };
    const thrower = this.mode.implicitThrows ? this.throwPoint(node) : undefined;
    return { normal: facts, exits: thrower ? facts.map((fact) => this.throwExit(fact, thrower)) : NO_EXITS };
  }

  private checkout(facts: Fact[]): Outcome {
    // Taking a new client while the previous one is still held drops the previous one.
    this.lost.push(...facts.filter((fact) => fact.status === 'held'));
    const exits = this.mode.implicitThrows ? facts.map((fact) => ({ keyword: 'throw' as const, fact })) : [];
    return { normal: [HELD], exits };
  }

  /**
   * `await x` (or a returned promise): x runs, then may reject. A promise chain rejects with whatever
   * its steps left. `awaitNode` is the explicit `await`, which may reject even on a plain variable.
   */
  private awaited(node: Node, facts: Fact[], awaitNode?: Node): Outcome {
    const inner = unwrap(node);
    if (inner.type === 'CallExpression' && this.isClientChain(inner)) {
      const { resolved, rejected } = this.chain(inner, facts);
      return { normal: resolved, exits: rejected.map((fact) => ({ keyword: 'throw' as const, fact })) };
    }
    const outcome = this.expression(node, facts);
    if (!this.mode.implicitThrows || this.releasesOutsideFunctions(node)) return outcome;
    const rejection = this.throwPoint(node) ?? awaitNode;
    if (!rejection) return outcome;
    return { normal: outcome.normal, exits: dedupeExits([...outcome.exits, ...outcome.normal.map((fact) => this.throwExit(fact, rejection))]) };
  }

  private call(node: TSESTree.CallExpression, facts: Fact[]): Outcome {
    if (isReleaseCall(node, this.client)) {
      if (facts.some((fact) => fact.status === 'released')) this.client.observer?.releasedAgain(node);
      if (facts.some((fact) => fact.status === 'held')) this.client.observer?.releasedWhileHeld?.(node);
      return { normal: facts.map(release), exits: NO_EXITS };
    }
    if (isClientMethodCall(node, this.client) && facts.some((fact) => fact.status === 'released')) this.client.observer?.usedAfterRelease(node);
    if (this.isClientChain(node)) {
      // Not awaited: a rejection does not throw here; its state flows on as an unhandled path.
      const { resolved, rejected } = this.chain(node, facts);
      return { normal: join(resolved, rejected), exits: NO_EXITS };
    }
    const arguments_ = node.arguments as Node[];
    const beforeCall = this.callParts(node, facts);
    const callee = unwrap(node.callee);
    // Whether anything under the call can release: a release handed on as an argument, or a callback or
    // immediately invoked function that releases. Usually not, and the mention index says so without a walk.
    const mayRelease = this.mentions.mayRelease(node);
    // An immediately invoked function that releases is walked below like a callback: its own throws
    // are found there, and calling it cannot fail before its body runs.
    const walksCallee = mayRelease && isFunction(callee) && this.releases(callee.body);
    const thrower = this.mode.implicitThrows && !walksCallee ? this.throwPoint(node) : undefined;
    const exits =
      thrower && beforeCall.normal.length > 0
        ? [...beforeCall.exits, ...beforeCall.normal.map((fact) => this.throwExit(fact, thrower))]
        : beforeCall.exits;
    let after = beforeCall.normal;
    if (!mayRelease) return { normal: after, exits: dedupeExits(exits) };
    if (arguments_.some((arg) => isReleaseReference(arg, this.client))) after = after.map(release);
    // A callback that releases the client takes the rest of the path over: it runs with the state the
    // call leaves, and its ends are where the path continues (node-style `(err, res) => { done(); }`).
    // An immediately invoked function runs right here the same way.
    const candidates = isFunction(callee) ? [callee, ...arguments_] : arguments_;
    const callbacks = candidates.filter((arg): arg is FunctionNode => isFunction(arg) && this.releases(arg.body));
    if (callbacks.length > 0) {
      const ends = callbacks.map((callback) => this.callback(callback, after, false));
      after = join(...ends.map((end) => [...end.completed, ...end.thrown]));
    }
    return { normal: after, exits: dedupeExits(exits) };
  }

  /**
   * The callee and the non-function arguments of a call, in order: only the transitions inside them
   * matter here (a call or `await` as the part itself or as the object of a member).
   */
  private callParts(node: TSESTree.CallExpression, facts: Fact[]): Outcome {
    let normal = facts;
    let exits: Exit[] | undefined;
    for (let index = -1; index < node.arguments.length; index++) {
      const part: Node = index < 0 ? node.callee : node.arguments[index];
      if (index >= 0 && isFunction(part)) continue;
      const evaluated = evaluatedPart(part);
      if (!evaluated) continue;
      const outcome = this.expression(evaluated, normal);
      normal = outcome.normal;
      if (outcome.exits.length > 0) (exits ??= []).push(...outcome.exits);
    }
    return { normal, exits: exits ?? NO_EXITS };
  }

  /** Whether a release site (a release call, or its release handed on) lies under `root`, nested functions included. */
  private releases(root: Node): boolean {
    return this.mentions.mayRelease(root) && releaseSites(root, this.client, this.mentions).length > 0;
  }

  /** Whether a release call lies under `node` outside nested functions. */
  private releasesOutsideFunctions(node: Node): boolean {
    return this.mentions.mayRelease(node) && releaseSitesOutsideFunctions(node, this.client, this.mentions);
  }

  /** `throwPoint` of the node, remembered for the next question: `await x()` asks it twice for the call. */
  private throwPoint(node: Node): Node | undefined {
    if (this.throwPointAsked !== node) {
      this.throwPointAsked = node;
      this.throwPointFound = throwPoint(node, this.client, this.mentions);
    }
    return this.throwPointFound;
  }

  /** Runs a callback with the given facts. Returns where its paths end: completed (normal or return) or thrown. */
  private callback(fn: FunctionNode, facts: Fact[], promise: boolean): { completed: Fact[]; thrown: Fact[] } {
    const saved = this.mode;
    const savedErrorName = this.errorName;
    const throws = promise || fn.async;
    this.mode = { fn, implicitThrows: throws, adoptsReturns: throws };
    if (fn.params.some((param) => patternNames(param).includes(savedErrorName ?? ''))) this.errorName = undefined;
    try {
      const outcome = this.body(fn, facts);
      return {
        completed: join(outcome.normal, outcome.exits.filter((exit) => exit.keyword === 'return').map((exit) => exit.fact)),
        thrown: dedupe(outcome.exits.filter((exit) => exit.keyword === 'throw').map((exit) => exit.fact)),
      };
    } finally {
      this.mode = saved;
      this.errorName = savedErrorName;
    }
  }

  private containsCheckout(node: Node): boolean {
    const { acquisition } = this.client;
    return acquisition !== undefined && node.range[0] <= acquisition.range[0] && acquisition.range[1] <= node.range[1];
  }

  /** `x.then(…)`, `.catch(…)`, `.finally(…)` chains whose steps touch the client. */
  private isClientChain(node: TSESTree.CallExpression): boolean {
    return chainMethod(node) !== undefined && mentions(node, this.client, this.mentions);
  }

  private chain(node: TSESTree.CallExpression, facts: Fact[]): { resolved: Fact[]; rejected: Fact[] } {
    const callee = unwrap(node.callee) as TSESTree.MemberExpression;
    const object = unwrap(callee.object);
    let resolved: Fact[];
    let rejected: Fact[];
    if (object.type === 'CallExpression' && chainMethod(object) !== undefined) {
      ({ resolved, rejected } = this.chain(object, facts));
    } else {
      const base = this.expression(object, facts);
      resolved = base.normal;
      // The base's own throw point rejects the chain; name it as a rejection, not as a second throw.
      const rejecting = this.throwPoint(object);
      rejected = dedupe([
        ...(rejecting ? base.normal.map((fact) => withCause(fact, { kind: 'rejects', node: rejecting })) : []),
        ...base.exits.map((exit) => exit.fact).filter((fact) => !rejecting || fact.cause?.node !== rejecting),
      ]);
    }
    const [first, second] = node.arguments as Node[];
    switch (chainMethod(node)) {
      case 'then': {
        const onResolved = first ? this.step(first, resolved) : { completed: resolved, thrown: [] };
        const onRejected = second ? this.step(second, rejected) : { completed: [], thrown: rejected };
        return {
          resolved: join(onResolved.completed, onRejected.completed),
          rejected: join(onResolved.thrown, onRejected.thrown),
        };
      }
      case 'catch': {
        const onRejected = first ? this.step(first, rejected) : { completed: [], thrown: rejected };
        return { resolved: join(resolved, onRejected.completed), rejected: onRejected.thrown };
      }
      default: {
        if (!first) return { resolved, rejected };
        const afterResolved = this.step(first, resolved);
        const afterRejected = this.step(first, rejected);
        return {
          resolved: afterResolved.completed,
          rejected: join(afterResolved.thrown, afterRejected.completed, afterRejected.thrown),
        };
      }
    }
  }

  private step(handler: Node, facts: Fact[]): { completed: Fact[]; thrown: Fact[] } {
    const inner = unwrap(handler);
    if (isFunction(inner)) return this.callback(inner, facts, true);
    if (isReleaseReference(inner, this.client)) return { completed: facts.map(release), thrown: [] };
    return { completed: facts, thrown: [] };
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Facts where a test is true and where it is false, for tests on the client or the callback's error. */
  private split(test: Node, facts: Fact[]): [Fact[], Fact[]] {
    const inner = unwrap(test);
    if (inner.type === 'UnaryExpression' && inner.operator === '!') {
      const [whenTrue, whenFalse] = this.split(inner.argument, facts);
      return [whenFalse, whenTrue];
    }
    if (this.errorName !== undefined && inner.type === 'Identifier' && inner.name === this.errorName) {
      // An error means the pool handed out no client.
      return [facts.map((fact) => (fact.status === 'held' ? NONE : fact)), facts];
    }
    if (isClient(inner, this.client) || isClientPresenceTest(inner, this.client)) {
      return [facts.filter((fact) => fact.status !== 'none'), facts.filter((fact) => fact.status === 'none')];
    }
    return [facts, facts];
  }

  /** Whether `return x` gives the client itself (or its release) to the caller. */
  private handsOverClient(node: Node): boolean {
    let found = false;
    walk(node, (child) => {
      if (found || !this.mentions.mayMention(child)) return false;
      if (child.type === 'Identifier' && isReference(child) && isEscapingReference(child)) {
        found = isClient(child, this.client) || this.client.releaseFunctions.has(child.name);
      }
      return undefined;
    });
    return found;
  }

  private exit(keyword: ExitKeyword, fact: Fact, node: Node, label?: string): Exit {
    // Breaks and continues stay inside the function; they are not where a client leaks.
    if (fact.status !== 'held' || fact.cause || keyword === 'break' || keyword === 'continue') return { keyword, label, fact };
    const early = isEarly(node, this.mode.fn);
    // A callback's last return just hands the path on; only the root's exits and early ones are named.
    if (!early && this.mode.fn !== this.root) return { keyword, label, fact };
    return { keyword, label, fact: { status: 'held', cause: { kind: 'exit', keyword, early, node } } };
  }

  /** A throw at `node`: a held client leaks because of it, whatever happened earlier on the path. */
  private throwExit(fact: Fact, node: Node): Exit {
    return { keyword: 'throw', fact: fact.status === 'held' ? { status: 'held', cause: { kind: 'throws', node } } : fact };
  }
}

type LoopNode =
  | TSESTree.WhileStatement
  | TSESTree.DoWhileStatement
  | TSESTree.ForStatement
  | TSESTree.ForInStatement
  | TSESTree.ForOfStatement;

function isLoopNode(node: Node): node is LoopNode {
  return (
    node.type === 'WhileStatement' ||
    node.type === 'DoWhileStatement' ||
    node.type === 'ForStatement' ||
    node.type === 'ForInStatement' ||
    node.type === 'ForOfStatement'
  );
}

/** What runs of a call's part: a call or `await` as the part itself, or as the object of a member (`(await x).y`). */
function evaluatedPart(part: Node): Node | undefined {
  const inner = unwrap(part);
  if (inner.type === 'AwaitExpression' || inner.type === 'CallExpression') return inner;
  if (inner.type !== 'MemberExpression') return undefined;
  const object = unwrap(inner.object);
  return object.type === 'CallExpression' || object.type === 'AwaitExpression' ? object : undefined;
}

function isTrueLiteral(node: Node): boolean {
  return node.type === 'Literal' && node.value === true;
}

function chainMethod(node: TSESTree.CallExpression): 'then' | 'catch' | 'finally' | undefined {
  const callee = unwrap(node.callee);
  if (callee.type !== 'MemberExpression') return undefined;
  const name = propertyName(callee);
  return name === 'then' || name === 'catch' || name === 'finally' ? name : undefined;
}

/** `client != null`, `client !== undefined` and the like. */
function isClientPresenceTest(node: Node, client: TrackedClient): boolean {
  if (node.type !== 'BinaryExpression' || (node.operator !== '!=' && node.operator !== '!==')) return false;
  const isNullish = (side: Node) =>
    (side.type === 'Literal' && side.value === null) || (side.type === 'Identifier' && side.name === 'undefined');
  return (isClient(node.left, client) && isNullish(node.right)) || (isClient(node.right, client) && isNullish(node.left));
}

/** Whether the node mentions the client or its release functions anywhere, nested functions included. */
function mentions(node: Node, client: TrackedClient, where: ClientMentions): boolean {
  let found = false;
  walk(node, (child) => {
    if (found || !where.mayMention(child)) return false;
    if (child.type === 'Identifier' && isReference(child)) {
      found = child.name === client.name || client.releaseFunctions.has(child.name);
    }
    return undefined;
  });
  return found;
}

/** A function value that releases the client, stored as it is or inside an object or array. */
function storesReleasingFunction(value: Node, client: TrackedClient, where: ClientMentions): boolean {
  const inner = unwrap(value);
  if (isFunction(inner)) return releaseSites(inner.body, client, where).length > 0;
  if (inner.type === 'ObjectExpression') {
    return inner.properties.some((property) => property.type === 'Property' && storesReleasingFunction(property.value, client, where));
  }
  if (inner.type === 'ArrayExpression') {
    return inner.elements.some((element) => element !== null && element.type !== 'SpreadElement' && storesReleasingFunction(element, client, where));
  }
  return false;
}

function containsOutsideFunctions(root: Node, target: Node): boolean {
  if (root.range[0] > target.range[0] || target.range[1] > root.range[1]) return false;
  for (let current: Node | undefined = target; current && current !== root; current = current.parent) {
    if (isFunction(current)) return false;
  }
  return true;
}

function releaseSitesOutsideFunctions(root: Node, client: TrackedClient, where: ClientMentions): boolean {
  let found = false;
  walk(root, (node) => {
    if (found || isFunction(node) || !where.mayRelease(node)) return false;
    if (isReleaseCall(node, client)) found = true;
    return undefined;
  });
  return found;
}

/**
 * The sub-expression that makes `node` able to throw, in the model described at the top of the file,
 * or undefined when it cannot. Among several, a call on the client (`client.query()`) is named first:
 * it is the one a reader expects to fail.
 */
function throwPoint(node: Node, client: TrackedClient, mentions: ClientMentions): Node | undefined {
  // The node itself decides it in the common cases, without a walk: a call on the client, or a call
  // (`new`, tagged template, `import()`) with no mention of the client under it, is the first found.
  switch (node.type) {
    case 'CallExpression':
      if (isReleaseCall(node, client)) return undefined;
      if (isClientMethodCall(node, client) || !mentions.mayMention(node)) return node;
      break;
    case 'NewExpression':
    case 'TaggedTemplateExpression':
    case 'ImportExpression':
      if (!mentions.mayMention(node)) return node;
      break;
    case 'Identifier':
    case 'Literal':
    case 'ThisExpression':
      return undefined;
    default:
      if (isFunction(node) || node.type === 'ClassBody') return undefined;
  }
  let firstCall: Node | undefined;
  let firstAwait: Node | undefined;
  let clientCall: Node | undefined;
  walk(node, (child) => {
    if (clientCall) return false;
    if (isFunction(child) || child.type === 'ClassBody') return false;
    switch (child.type) {
      case 'CallExpression':
        if (isReleaseCall(child, client)) return false;
        if (isClientMethodCall(child, client)) clientCall = child;
        firstCall ??= child;
        break;
      case 'NewExpression':
      case 'TaggedTemplateExpression':
      case 'ImportExpression':
        firstCall ??= child;
        break;
      case 'AwaitExpression':
      case 'YieldExpression':
        firstAwait ??= child;
        break;
    }
    return undefined;
  });
  return clientCall ?? firstCall ?? firstAwait;
}

function isClientMethodCall(node: TSESTree.CallExpression, client: TrackedClient): boolean {
  const callee = unwrap(node.callee);
  return callee.type === 'MemberExpression' && isClient(callee.object, client);
}

/** Whether statements follow `node` in its function: a return in the middle of the body, not the last one. */
function isEarly(node: Node, fn: FunctionNode | TSESTree.Program): boolean {
  const body = fn.type === 'Program' ? fn : fn.body;
  for (let current: Node = node; current !== body && current.parent; current = current.parent) {
    const parent: Node = current.parent;
    if (parent.type === 'BlockStatement' || parent.type === 'Program') {
      const list = parent.body as Node[];
      if (list[list.length - 1] !== current) return true;
    }
    if (parent.type === 'SwitchCase') return true;
    if (isLoopNode(parent)) return true;
  }
  return false;
}

function release(fact: Fact): Fact {
  return fact.status === 'held' ? { status: 'released' } : fact;
}

function withCause(fact: Fact, cause: LeakCause): Fact {
  return fact.status === 'held' ? { status: 'held', cause } : fact;
}

/** Facts count as the same when status, kind of cause and the cause's range agree (or neither has a cause). */
function sameFact(a: Fact, b: Fact): boolean {
  if (a.status !== b.status) return false;
  if (!a.cause || !b.cause) return a.cause === b.cause;
  const [from, to] = a.cause.node.range;
  return a.cause.kind === b.cause.kind && b.cause.node.range[0] === from && b.cause.node.range[1] === to;
}

/** Whether `fact` adds to `kept`: not the same as a kept fact, and its kind of cause not yet at its limit. */
function addsFact(kept: readonly Fact[], fact: Fact): boolean {
  let sameKind = 0;
  for (const other of kept) {
    if (sameFact(other, fact)) return false;
    if (fact.cause && other.cause && other.status === fact.status && other.cause.kind === fact.cause.kind) sameKind++;
  }
  return sameKind < MAX_FACTS_PER_STATUS;
}

/**
 * Drops repeated facts and more than a few causes of one kind. Compared pairwise against what is kept,
 * which the limits keep short: string keys per fact (with the cause's offsets) were most of the
 * interpreter's time.
 */
function dedupe(facts: readonly Fact[]): Fact[] {
  // Callers never change a list once made, so a list with nothing to drop is returned as it is.
  if (facts.length < 2) return facts as Fact[];
  const kept: Fact[] = [];
  for (const fact of facts) if (addsFact(kept, fact)) kept.push(fact);
  return kept;
}

function join(...lists: ReadonlyArray<readonly Fact[]>): Fact[] {
  const all: Fact[] = [];
  for (const list of lists) for (const fact of list) all.push(fact);
  return dedupe(all);
}

function sameRoute(a: Exit, b: Exit): boolean {
  return a.keyword === b.keyword && (a.label ?? '') === (b.label ?? '');
}

/**
 * Drops repeated exits. A fact's future does not depend on its cause, so beyond a few causes of the
 * same kind another one only costs time (every exit runs through each enclosing finally block).
 */
function dedupeExits(exits: readonly Exit[]): readonly Exit[] {
  // Most statements have no exit or one: skip the bookkeeping (20,000 statements on one line spent
  // most of this function's time creating empty sets).
  if (exits.length < 2) return exits;
  const kept: Exit[] = [];
  for (const exit of exits) if (addsExit(kept, exit)) kept.push(exit);
  return kept;
}

function addsExit(kept: readonly Exit[], exit: Exit): boolean {
  const { fact } = exit;
  let sameKind = 0;
  for (const other of kept) {
    if (!sameRoute(other, exit)) continue;
    if (sameFact(other.fact, fact)) return false;
    if (fact.cause && other.fact.cause && other.fact.status === fact.status && other.fact.cause.kind === fact.cause.kind) sameKind++;
  }
  return sameKind < MAX_FACTS_PER_STATUS;
}
