import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { keyName, unwrap } from './pgModel';

type Node = TSESTree.Node;

/**
 * What a statement does to the connection it runs on, as far as a pool is concerned:
 * - `begin` / `end` open and close a transaction (`end` is COMMIT, ROLLBACK, END, ABORT);
 * - `savepoint` works inside one (SAVEPOINT, RELEASE, ROLLBACK TO);
 * - `session` changes the connection for everyone who uses it later (SET, LISTEN, PREPARE, DECLARE …);
 * - `other` is everything else.
 */
export type StatementKind = 'begin' | 'end' | 'savepoint' | 'session' | 'other';

export interface SqlStatement {
  kind: StatementKind;
  /** The statement's opening words, upper-cased, as a message names it: `BEGIN`, `RELEASE SAVEPOINT`. */
  label: string;
  /** ROLLBACK or ABORT (an `end` that undoes the transaction). */
  rollback: boolean;
}

/**
 * The SQL text a query call sends, when it is written out in the call: a string literal, a template
 * literal (its interpolations read as plain values), or `{ text: … }` holding one of those.
 */
export function queryText(call: TSESTree.CallExpression): string | undefined {
  const [first] = call.arguments;
  if (!first) return undefined;
  const argument = unwrap(first);
  if (argument.type === 'ObjectExpression') {
    for (const property of argument.properties) {
      if (property.type === 'Property' && !property.computed && keyName(property.key) === 'text') return literalText(property.value);
    }
    return undefined;
  }
  return literalText(argument);
}

function literalText(node: Node): string | undefined {
  const inner = unwrap(node);
  if (inner.type === 'Literal' && typeof inner.value === 'string') return inner.value;
  if (inner.type === 'TemplateLiteral') {
    // An interpolated value stands in as a plain word: it cannot turn the statement into another kind.
    const parts = inner.quasis.map((quasi) => quasi.value.cooked);
    return parts.some((part) => part === null) ? undefined : parts.join(' 0 ');
  }
  return undefined;
}

/** The statements of a query text, split on semicolons outside quotes, dollar quotes and comments. */
export function sqlStatements(sql: string): SqlStatement[] {
  return splitStatements(sql)
    .map((statement) => classify(words(statement)))
    .filter((statement): statement is SqlStatement => statement !== undefined);
}

/**
 * Words a statement that begins or ends a transaction starts with. A statement's words are
 * substrings of the query text (comments and quotes only blank text out), so a text without any of
 * them holds no such statement, and is not split.
 */
const BOUNDARY_WORD = /begin|start|commit|end|rollback|abort/i;

/** Whether a query call's literal SQL starts by beginning (`begin`) or ending (`end`) a transaction. */
export function transactionBoundaryOf(call: TSESTree.CallExpression): 'begin' | 'end' | undefined {
  const text = queryText(call);
  if (text === undefined || !BOUNDARY_WORD.test(text)) return undefined;
  const kind = sqlStatements(text)[0]?.kind;
  return kind === 'begin' || kind === 'end' ? kind : undefined;
}

/** The first statement of a query call's literal SQL, if any. */
export function firstStatementOf(call: TSESTree.CallExpression): SqlStatement | undefined {
  const text = queryText(call);
  return text === undefined ? undefined : sqlStatements(text)[0];
}

function classify(list: string[]): SqlStatement | undefined {
  const [first, second, third] = list;
  if (first === undefined) return undefined;
  switch (first) {
    case 'BEGIN':
      return statement('begin', 'BEGIN');
    case 'START':
      return second === 'TRANSACTION' ? statement('begin', 'START TRANSACTION') : statement('other', first);
    case 'COMMIT':
    case 'END':
      // PREPARED transactions (two-phase commit) are finished from any session on purpose.
      return second === 'PREPARED' ? statement('other', `${first} PREPARED`) : statement('end', first);
    case 'ROLLBACK':
    case 'ABORT':
      if (second === 'PREPARED') return statement('other', `${first} PREPARED`);
      if (second === 'TO' || third === 'TO') return statement('savepoint', 'ROLLBACK TO SAVEPOINT');
      return statement('end', first, true);
    case 'SAVEPOINT':
      return statement('savepoint', 'SAVEPOINT');
    case 'RELEASE':
      return statement('savepoint', 'RELEASE SAVEPOINT');
    case 'SET':
      // SET LOCAL and SET TRANSACTION last only until the end of the current transaction.
      if (second === 'LOCAL' || second === 'TRANSACTION' || second === 'CONSTRAINTS') return statement('other', `SET ${second}`);
      return statement('session', 'SET');
    case 'RESET':
    case 'LISTEN':
    case 'UNLISTEN':
      return statement('session', first);
    case 'PREPARE':
      return second === 'TRANSACTION' ? statement('other', 'PREPARE TRANSACTION') : statement('session', 'PREPARE');
    case 'DECLARE':
      return statement('session', 'DECLARE … CURSOR');
    default:
      return statement('other', first);
  }
}

function statement(kind: StatementKind, label: string, rollback = false): SqlStatement {
  return { kind, label, rollback };
}

/** A word as `words` reads one; global, so each use sets `lastIndex` first. */
const WORD = /[A-Za-z_][A-Za-z_0-9]*/g;

/** The first three words of a statement, upper-cased, comments skipped. */
function words(statement: string): string[] {
  const found: string[] = [];
  WORD.lastIndex = 0;
  for (let match = WORD.exec(statement); match && found.length < 3; match = WORD.exec(statement)) found.push(match[0].toUpperCase());
  return found;
}

/** Where something other than plain statement text may start: a comment, a quote, a dollar quote, a `;`. */
const SPECIAL = /[-/'"$;]/g;
/** A dollar-quote tag at the position `lastIndex` is set to. */
const DOLLAR_TAG = /\$[A-Za-z_0-9]*\$/y;

/**
 * Statement texts with comments removed; quoted text is kept out of the split but not interpreted.
 * Plain text is copied a run at a time: the scan stops only where a comment, quote or `;` may start.
 */
function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  /** Start of the plain text not yet copied into `current`. */
  let plain = 0;
  SPECIAL.lastIndex = 0;
  for (let found = SPECIAL.exec(sql); found; found = SPECIAL.exec(sql)) {
    const index = found.index;
    const char = sql[index];
    if (char === ';') {
      statements.push(current + sql.slice(plain, index));
      current = '';
      plain = index + 1;
      continue;
    }
    const skipped = skippedTo(sql, index, char);
    if (skipped === undefined) continue;
    current += `${sql.slice(plain, index)} `;
    plain = skipped;
    SPECIAL.lastIndex = skipped;
  }
  statements.push(current + sql.slice(plain));
  return statements.filter((text) => text.trim() !== '');
}

/**
 * Where a comment, quoted text or dollar-quoted text starting at `index` ends (a `--` comment ends
 * before its newline), or undefined when `char` starts none there. Quoted text stands in as a blank:
 * its words are not statement keywords.
 */
function skippedTo(sql: string, index: number, char: string): number | undefined {
  const next = sql[index + 1];
  if (char === '-') {
    if (next !== '-') return undefined;
    const end = sql.indexOf('\n', index);
    return end === -1 ? sql.length : end;
  }
  if (char === '/') {
    if (next !== '*') return undefined;
    const end = sql.indexOf('*/', index + 2);
    return end === -1 ? sql.length : end + 2;
  }
  if (char === "'" || char === '"') {
    const end = sql.indexOf(char, index + 1);
    return end === -1 ? sql.length : end + 1;
  }
  DOLLAR_TAG.lastIndex = index;
  const tag = DOLLAR_TAG.exec(sql);
  if (!tag) return undefined;
  const end = sql.indexOf(tag[0], index + tag[0].length);
  return end === -1 ? sql.length : end + tag[0].length;
}
