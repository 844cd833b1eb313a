import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { contains, enclosingFunction } from '../functions';
import { propertyName, unwrap } from '../pgModel';
import { queryText, sqlStatements, transactionBoundaryOf, type SqlStatement } from '../sqlStatements';
import { firstStartingAt } from '../sourceOrder';
import { poolTransactionFix } from '../transactionFix';
import { defineRule, type Fix, type RuleContext } from '../types';

type Node = TSESTree.Node;

/** A transaction begun on a client (`client.query('BEGIN')`) and where it ends in the same function. */
interface ClientTransaction {
  begin: TSESTree.CallExpression;
  client: Node;
  root: Node;
  /** Offset of the first COMMIT/ROLLBACK on the same client after the BEGIN, else the end of the function. */
  end: number;
}

export default defineRule({
  id: 'transaction-on-pool',
  meta: {
    type: 'problem',
    description: 'Transaction and session statements sent through pool.query() run on whichever connection is free, not on one connection.',
    messages: {
      transaction:
        '{{statement}} through {{pool}}.query() runs on whichever pooled connection is free; the transaction\'s other statements can run on other connections. Check out one client with {{pool}}.connect() for the whole transaction.',
      session:
        '{{statement}} through {{pool}}.query() changes only the pooled connection that happens to run it, and the change stays with that connection for whoever uses it next. Run it on a checked-out client (or in the pool\'s connect handler for every connection).',
      outsideTransaction:
        '{{pool}}.query() runs on another connection, outside the transaction begun with {{client}}.query() on line {{line}}: use {{client}}.query() to take part in it.',
    },
    hasFixes: true,
    defaultSeverity: 'warning',
  },
  create(ctx) {
    const poolQueries: TSESTree.CallExpression[] = [];
    const clientBegins: TSESTree.CallExpression[] = [];
    const clientEnds: TSESTree.CallExpression[] = [];

    return {
      CallExpression(node) {
        if (ctx.model.isPoolMethodCall(node, 'query')) {
          poolQueries.push(node);
          return;
        }
        const object = queryObject(node);
        if (!object) return;
        const kind = transactionBoundaryOf(node);
        if (kind === 'begin') clientBegins.push(node);
        else if (kind === 'end') clientEnds.push(node);
      },
      'Program:exit'() {
        const endsByStart = [...clientEnds].sort((a, b) => a.range[0] - b.range[0]);
        const transactions = clientBegins.map((begin) => clientTransaction(ctx, begin, endsByStart));
        for (const call of poolQueries) {
          const misplaced = misplacedStatement(call);
          const pool = ctx.textOf(ctx.model.poolOf(call)!);
          if (misplaced) {
            const fixes: Fix[] = [];
            if (misplaced.kind === 'begin') {
              const fix = poolTransactionFix(ctx, call);
              if (fix) fixes.push(fix);
            }
            ctx.report({
              node: call,
              messageId: misplaced.kind === 'session' ? 'session' : 'transaction',
              data: { statement: misplaced.label, pool },
              fixes,
            });
            continue;
          }
          const transaction = transactions.find((candidate) => isInside(call, candidate));
          if (!transaction) continue;
          const client = ctx.textOf(transaction.client);
          const poolNode = ctx.model.poolOf(call)!;
          const fixes: Fix[] =
            transaction.client.type === 'Identifier'
              ? [{ title: `Run it on ${client}`, edits: [{ range: poolNode.range, text: client }] }]
              : [];
          ctx.report({
            node: call,
            messageId: 'outsideTransaction',
            data: { pool, client, line: ctx.lineOf(transaction.begin.range[0]) },
            related: [{ range: transaction.begin.range, message: 'The transaction begins here, on its own connection.' }],
            fixes,
          });
        }
      },
    };
  },
});

/** `x.query(…)` on something that is not a pool: the object, else undefined. */
function queryObject(call: TSESTree.CallExpression): Node | undefined {
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== 'query') return undefined;
  return unwrap(callee.object);
}

/**
 * The statement of a pool query that does not belong on a pool. A text that opens and closes its own
 * transaction (`BEGIN; …; COMMIT`) runs on one connection in one round trip and is fine; a session
 * statement is not, even inside one, because SET, LISTEN and PREPARE outlive the transaction.
 */
function misplacedStatement(call: TSESTree.CallExpression): SqlStatement | undefined {
  const text = queryText(call);
  if (text === undefined) return undefined;
  let open: SqlStatement | undefined;
  for (const statement of sqlStatements(text)) {
    switch (statement.kind) {
      case 'begin':
        open = statement;
        break;
      case 'end':
        if (!open) return statement;
        open = undefined;
        break;
      case 'savepoint':
        if (!open) return statement;
        break;
      case 'session':
        // A cursor declared inside the text's own transaction closes with it.
        if (!(open && statement.label.startsWith('DECLARE') && !/\bWITH\s+HOLD\b/i.test(text))) return statement;
        break;
      case 'other':
        break;
    }
  }
  return open;
}

/** `endsByStart`: the COMMIT/ROLLBACK calls on clients, sorted by where they start. */
function clientTransaction(ctx: RuleContext, begin: TSESTree.CallExpression, endsByStart: readonly TSESTree.CallExpression[]): ClientTransaction {
  const client = queryObject(begin)!;
  const root = enclosingFunction(begin) ?? ctx.ast;
  const clientText = ctx.textOf(client);
  // The first end after the BEGIN on the same client, inside the function: a call that starts after the
  // BEGIN and before the function's end lies inside the function (nodes nest).
  let end = root.range[1];
  for (let i = firstStartingAt(endsByStart, begin.range[1] + 1); i < endsByStart.length && endsByStart[i].range[0] < root.range[1]; i++) {
    const call = endsByStart[i];
    if (contains(root, call) && ctx.textOf(queryObject(call)!) === clientText) {
      end = call.range[0];
      break;
    }
  }
  return { begin, client, root, end };
}

function isInside(call: TSESTree.CallExpression, transaction: ClientTransaction): boolean {
  return call.range[0] > transaction.begin.range[1] && call.range[1] <= transaction.end && contains(transaction.root, call);
}
