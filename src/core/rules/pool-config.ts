import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { suggestApplicationName } from '../applicationName';
import { addPropertyEdits } from '../objectProperty';
import { keyName, unwrap } from '../pgModel';
import { constInitialisers, readPoolOptions, type OptionValue, type PoolOptions } from '../poolOptions';
import { walk } from '../traverse';
import { defineRule, type Fix, type Range, type RuleContext } from '../types';

type Node = TSESTree.Node;

/** What the fix sets a missing or zero connection timeout to: long enough for a slow handshake, short enough to fail a request. */
const CONNECTION_TIMEOUT_MS = 5000;
/** Below this an idle connection is closed before the next burst of requests can reuse it. */
const MIN_IDLE_TIMEOUT_MS = 1000;
/** pg-pool's own default, which the fix for a too short idle timeout goes back to. */
const PG_DEFAULT_IDLE_TIMEOUT_MS = 10000;
/** pg-pool's `max` when the options do not set one. */
const PG_DEFAULT_MAX = 10;

export default defineRule({
  id: 'pool-config',
  meta: {
    type: 'suggestion',
    description: 'Pool options that wait forever, churn connections, exceed the connection budget or hide who owns a session.',
    messages: {
      noConnectionTimeout:
        'This pool sets no connectionTimeoutMillis: when every connection is busy or the server does not answer, connect() and query() wait forever. Set one, e.g. connectionTimeoutMillis: {{timeout}}.',
      zeroConnectionTimeout:
        'connectionTimeoutMillis: 0 means no timeout: when every connection is busy or the server does not answer, connect() and query() wait forever. Set one, e.g. {{timeout}}.',
      zeroConnectionTimeoutByDefault:
        'connectionTimeoutMillis falls back to 0 (no timeout) when {{variable}} is unset: connect() and query() may wait forever. Give it a fallback such as {{timeout}}.',
      shortIdleTimeout:
        'idleTimeoutMillis: {{value}} closes idle connections after less than a second, so the pool reconnects on almost every burst of requests. Use {{min}} or more (pg\'s default is {{default}}), or 0 to keep idle connections.',
      shortIdleTimeoutByDefault:
        'idleTimeoutMillis falls back to {{value}} when {{variable}} is unset, which closes idle connections after less than a second. Use {{min}} or more (pg\'s default is {{default}}).',
      maxOverBudget:
        'max: {{value}} is above the connection budget of {{budget}}: under load this pool alone opens more connections than one instance may use.',
      maxOverBudgetByDefault:
        'max falls back to {{value}} when {{variable}} is unset, above the connection budget of {{budget}}.',
      defaultMaxOverBudget:
        'This pool sets no max, so pg\'s default of {{value}} applies, above the connection budget of {{budget}}.',
      noApplicationName:
        'This pool sets no application_name: its sessions show unnamed in pg_stat_activity, and the live view cannot tell them from other apps\'. Set one, e.g. application_name: \'{{name}}\'.',
    },
    hasFixes: true,
    defaultSeverity: 'warning',
  },
  create(ctx) {
    const declarators: TSESTree.VariableDeclarator[] = [];
    return {
      VariableDeclarator(node) {
        declarators.push(node);
      },
      'Program:exit'() {
        if (ctx.model.poolCreations.length === 0) return;
        const constants = constInitialisers(declarators);
        for (const creation of ctx.model.poolCreations) checkPool(ctx, creation, readPoolOptions(creation, constants, ctx.text));
      },
    };
  },
});

/** One `new Pool(...)` under check: its options as read, and the object literal a fix may edit. */
interface PoolUnderCheck {
  ctx: RuleContext;
  creation: TSESTree.NewExpression;
  options: PoolOptions;
  own: TSESTree.ObjectExpression | undefined;
}

function checkPool(ctx: RuleContext, creation: TSESTree.NewExpression, options: PoolOptions): void {
  const pool: PoolUnderCheck = { ctx, creation, options, own: ownOptions(creation) };
  checkConnectionTimeout(pool);
  checkIdleTimeout(pool);
  const budget = connectionBudget(ctx);
  if (budget !== undefined) checkMax(pool, budget);
  checkApplicationName(pool);
}

function checkConnectionTimeout({ ctx, creation, options, own }: PoolUnderCheck): void {
  const timeout = String(CONNECTION_TIMEOUT_MS);
  const connection = options.connectionTimeoutMillis;
  if (connection.kind === 'absent') {
    const fix = addOption(ctx, creation, own, `connectionTimeoutMillis: ${timeout}`);
    ctx.report({ node: creation, messageId: 'noConnectionTimeout', data: { timeout }, fixes: fix ? [fix] : [] });
  } else if (connection.kind === 'literal' && connection.value === 0) {
    const fix = replaceValue(own, connection, timeout, `Set connectionTimeoutMillis to ${timeout}`);
    ctx.report({ range: reportRange(connection, creation), messageId: 'zeroConnectionTimeout', data: { timeout }, fixes: fix ? [fix] : [] });
  } else if (connection.kind === 'unknown' && connection.fallback?.value === 0) {
    ctx.report({ range: reportRange(connection, creation), messageId: 'zeroConnectionTimeoutByDefault', data: { timeout, variable: connection.fallback.variable } });
  }
}

function checkIdleTimeout({ ctx, creation, options, own }: PoolUnderCheck): void {
  const idle = options.idleTimeoutMillis;
  const data = { min: MIN_IDLE_TIMEOUT_MS, default: PG_DEFAULT_IDLE_TIMEOUT_MS };
  if (idle.kind === 'literal' && isShortIdleTimeout(idle.value)) {
    const fix = replaceValue(own, idle, String(PG_DEFAULT_IDLE_TIMEOUT_MS), `Set idleTimeoutMillis to ${PG_DEFAULT_IDLE_TIMEOUT_MS}`);
    ctx.report({ range: reportRange(idle, creation), messageId: 'shortIdleTimeout', data: { ...data, value: idle.value }, fixes: fix ? [fix] : [] });
  } else if (idle.kind === 'unknown' && idle.fallback && isShortIdleTimeout(idle.fallback.value)) {
    ctx.report({
      range: reportRange(idle, creation),
      messageId: 'shortIdleTimeoutByDefault',
      data: { ...data, value: idle.fallback.value, variable: idle.fallback.variable },
    });
  }
}

function checkMax({ ctx, creation, options, own }: PoolUnderCheck, budget: number): void {
  const max = options.max;
  if (max.kind === 'absent' && PG_DEFAULT_MAX > budget) {
    const fix = addOption(ctx, creation, own, `max: ${budget}`);
    ctx.report({ node: creation, messageId: 'defaultMaxOverBudget', data: { budget, value: PG_DEFAULT_MAX }, fixes: fix ? [fix] : [] });
  } else if (max.kind === 'literal' && max.value > budget) {
    const fix = replaceValue(own, max, String(budget), `Set max to the budget (${budget})`);
    ctx.report({ range: reportRange(max, creation), messageId: 'maxOverBudget', data: { budget, value: max.value }, fixes: fix ? [fix] : [] });
  } else if (max.kind === 'unknown' && max.fallback && max.fallback.value > budget) {
    ctx.report({ range: reportRange(max, creation), messageId: 'maxOverBudgetByDefault', data: { budget, value: max.fallback.value, variable: max.fallback.variable } });
  }
}

function checkApplicationName({ ctx, creation, options, own }: PoolUnderCheck): void {
  if (options.applicationName.kind !== 'absent' || connectionStringNamesApp(own)) return;
  const name = suggestApplicationName(creation, ctx.fileName);
  const quote = (own && quoteIn(ctx, own)) ?? quoteIn(ctx, ctx.ast) ?? "'";
  const fix = addOption(ctx, creation, own, `application_name: ${quote}${name}${quote}`);
  ctx.report({ node: creation, messageId: 'noApplicationName', data: { name }, fixes: fix ? [fix] : [] });
}

/** pg-pool treats 0 as "never close idle connections", a choice rather than a mistake. */
function isShortIdleTimeout(value: number): boolean {
  return value > 0 && value < MIN_IDLE_TIMEOUT_MS;
}

/** The budget from the rule's options; anything but a positive whole number turns the check off. */
function connectionBudget(ctx: RuleContext): number | undefined {
  const budget = ctx.options['pool-config']?.connectionBudget;
  return typeof budget === 'number' && Number.isInteger(budget) && budget > 0 ? budget : undefined;
}

/** The object literal written in the `new Pool(...)` call itself: the only one a fix edits, as a shared config may serve other pools. */
function ownOptions(creation: TSESTree.NewExpression): TSESTree.ObjectExpression | undefined {
  const [argument] = creation.arguments;
  const object = argument && unwrap(argument);
  return object?.type === 'ObjectExpression' ? object : undefined;
}

/** The property that sets the option, else the `new Pool(...)` expression. */
function reportRange(value: OptionValue<unknown>, creation: TSESTree.NewExpression): Range {
  return value.kind !== 'absent' && value.property ? value.property : creation.range;
}

/** Adds the option to the pool's own object literal, or gives `new Pool()` one; nothing for options built elsewhere. */
function addOption(ctx: RuleContext, creation: TSESTree.NewExpression, own: TSESTree.ObjectExpression | undefined, property: string): Fix | undefined {
  const title = `Add ${property}`;
  if (own) {
    const edits = addPropertyEdits(ctx.text, ctx.lineStarts, own, property);
    return edits ? { title, edits } : undefined;
  }
  const source = ctx.textOf(creation);
  if (creation.arguments.length > 0 || !/\(\s*\)$/.test(source)) return undefined;
  const open = creation.range[0] + source.lastIndexOf('(');
  return { title, edits: [{ range: [open + 1, creation.range[1] - 1], text: `{ ${property} }` }] };
}

/** Replaces a number written directly in the pool's own options; not one behind a `const` or in a shared object. */
function replaceValue(own: TSESTree.ObjectExpression | undefined, value: OptionValue<number>, text: string, title: string): Fix | undefined {
  if (!own || value.kind !== 'literal' || !value.property) return undefined;
  const property = own.properties.find((candidate) => candidate.range[0] === value.property![0]);
  if (property?.type !== 'Property' || unwrap(property.value).type !== 'Literal') return undefined;
  return { title, edits: [{ range: value.range, text }] };
}

/** `connectionString: 'postgres://…?application_name=blog'` names the app too. */
function connectionStringNamesApp(own: TSESTree.ObjectExpression | undefined): boolean {
  if (!own) return false;
  return own.properties.some((property) => {
    if (property.type !== 'Property' || keyName(property.key) !== 'connectionString') return false;
    const value = unwrap(property.value);
    return value.type === 'Literal' && typeof value.value === 'string' && /[?&]application_name=[^&]/.test(value.value);
  });
}

/** The quote of the first string literal under a node: the options' own style first, else the file's. */
function quoteIn(ctx: RuleContext, root: Node): string | undefined {
  let quote: string | undefined;
  walk(root, (node) => {
    if (quote) return false;
    if (node.type === 'Literal' && typeof node.value === 'string') quote = ctx.text[node.range[0]];
    return undefined;
  });
  return quote === '"' || quote === "'" ? quote : undefined;
}
