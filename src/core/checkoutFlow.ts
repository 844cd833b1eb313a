import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { clientMentions, type ClientMentions } from './clientMentions';
import { localReleasers, releaseSites, type TrackedClient } from './clientUse';
import { leaksAfterCheckout, leaksInCallback, type FlowClient, type Leak } from './flow';
import type { FunctionNode } from './functions';
import { treeCache } from './treeCaches';

type Node = TSESTree.Node;

/** Where a checked-out client lives: a variable of the checkout's function, or a callback's parameters. */
export type ClientHolder =
  | { form: 'variable'; root: FunctionNode | TSESTree.Program; name: string }
  | { form: 'callback'; callback: FunctionNode; name: string | undefined; done?: string; error?: string; promise: boolean };

/**
 * What the flow saw happen to an already released client, in the order it saw it, and the releases it
 * saw run on a path where the client was still held (a release that never does is redundant).
 */
export type ReleaseEvent = { kind: 'releasedAgain' | 'usedAfterRelease' | 'releasedWhileHeld'; site: TSESTree.CallExpression };

/** One checkout as leaked-client and double-release both see it. */
export interface CheckoutFlow {
  /** The client as the flow tracks it (its name and the functions that release it), without an observer. */
  readonly client: FlowClient;
  /** Every release of the client, or hand-over of its release, under the holder's scope. */
  readonly sites: Node[];
  /** Where the holder's scope names the client or its release functions. */
  readonly mentions: ClientMentions;
  /** The flow over the holder's scope, run once on first use and shared by every rule that asks. */
  run(): { leaks: Leak[]; events: ReleaseEvent[] };
}

/**
 * The two rules about one checkout used to interpret the same paths twice (leaked-client for leaks,
 * double-release with an observer for second releases): that interpretation is most of the analysis
 * of pool-dense code. The observer only adds released facts to the walk, and released facts never
 * become held, so one observed run answers both. Keyed by the checkout call: AST nodes live as long as
 * their parse, so the cache lives as long as the analysis and needs no clearing.
 */
const flows = treeCache<TSESTree.CallExpression, { holder: ClientHolder; flow: CheckoutFlow }>();

export function checkoutFlow(connect: TSESTree.CallExpression, holder: ClientHolder): CheckoutFlow {
  const cached = flows.get(connect);
  if (cached && sameHolder(cached.holder, holder)) return cached.flow;
  const flow = createFlow(connect, holder);
  flows.set(connect, { holder, flow });
  return flow;
}

function createFlow(connect: TSESTree.CallExpression, holder: ClientHolder): CheckoutFlow {
  const scope = holder.form === 'variable' ? holder.root : holder.callback;
  const bare: TrackedClient = {
    name: holder.name,
    releaseFunctions: new Set(holder.form === 'callback' && holder.done ? [holder.done] : []),
  };
  const bareMentions = clientMentions(scope, bare);
  const releasers = localReleasers(scope, bare, bareMentions);
  const releaseFunctions = holder.form === 'variable' ? releasers : new Set([...bare.releaseFunctions, ...releasers]);
  const mentions = releasers.size === 0 ? bareMentions : clientMentions(scope, { name: holder.name, releaseFunctions });
  // Written out rather than spread: every client then has one shape, which the interpreter reads all the time.
  const client: FlowClient = {
    name: holder.name,
    releaseFunctions,
    acquisition: holder.form === 'variable' ? connect : undefined,
    errorName: holder.form === 'callback' ? holder.error : undefined,
    observer: undefined,
    mentions,
  };
  const sites = releaseSites(holder.form === 'variable' ? holder.root : holder.callback.body, client, mentions);
  let result: { leaks: Leak[]; events: ReleaseEvent[] } | undefined;
  return {
    client,
    sites,
    mentions,
    run() {
      if (result) return result;
      const events: ReleaseEvent[] = [];
      const observed: FlowClient = {
        name: client.name,
        releaseFunctions: client.releaseFunctions,
        acquisition: client.acquisition,
        errorName: client.errorName,
        mentions,
        observer: {
          releasedAgain: (site) => void events.push({ kind: 'releasedAgain', site }),
          usedAfterRelease: (site) => void events.push({ kind: 'usedAfterRelease', site }),
          releasedWhileHeld: (site) => void events.push({ kind: 'releasedWhileHeld', site }),
        },
      };
      const leaks =
        holder.form === 'variable' ? leaksAfterCheckout(holder.root, observed) : leaksInCallback(holder.callback, observed, holder.promise);
      result = { leaks, events };
      return result;
    },
  };
}

function sameHolder(a: ClientHolder, b: ClientHolder): boolean {
  if (a.form === 'variable') return b.form === 'variable' && a.root === b.root && a.name === b.name;
  if (b.form === 'variable') return false;
  return a.callback === b.callback && a.name === b.name && a.done === b.done && a.error === b.error && a.promise === b.promise;
}
