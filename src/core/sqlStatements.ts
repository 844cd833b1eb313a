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

/** The first statement of a query call's literal SQL, if any. */
export function firstStatementOf(call: TSESTree.CallExpression): SqlStatement | undefined {
  const text = queryText(call);
  return text === undefined ? undefined : sqlStatements(text)[0];
}

function classify(list: string[]): SqlStatement | undefined {
  const [first, second, third] = list;
  if (first === undefined) return undefined;
  const make = (kind: StatementKind, label: string, rollback = false): SqlStatement => ({ kind, label, rollback });
  switch (first) {
    case 'BEGIN':
      return make('begin', 'BEGIN');
    case 'START':
      return second === 'TRANSACTION' ? make('begin', 'START TRANSACTION') : make('other', first);
    case 'COMMIT':
    case 'END':
      // PREPARED transactions (two-phase commit) are finished from any session on purpose.
      return second === 'PREPARED' ? make('other', `${first} PREPARED`) : make('end', first);
    case 'ROLLBACK':
    case 'ABORT':
      if (second === 'PREPARED') return make('other', `${first} PREPARED`);
      if (second === 'TO' || third === 'TO') return make('savepoint', 'ROLLBACK TO SAVEPOINT');
      return make('end', first, true);
    case 'SAVEPOINT':
      return make('savepoint', 'SAVEPOINT');
    case 'RELEASE':
      return make('savepoint', 'RELEASE SAVEPOINT');
    case 'SET':
      // SET LOCAL and SET TRANSACTION last only until the end of the current transaction.
      if (second === 'LOCAL' || second === 'TRANSACTION' || second === 'CONSTRAINTS') return make('other', `SET ${second}`);
      return make('session', 'SET');
    case 'RESET':
    case 'LISTEN':
    case 'UNLISTEN':
      return make('session', first);
    case 'PREPARE':
      return second === 'TRANSACTION' ? make('other', 'PREPARE TRANSACTION') : make('session', 'PREPARE');
    case 'DECLARE':
      return make('session', 'DECLARE … CURSOR');
    default:
      return make('other', first);
  }
}

/** The first three words of a statement, upper-cased, comments skipped. */
function words(statement: string): string[] {
  const found: string[] = [];
  const pattern = /[A-Za-z_][A-Za-z_0-9]*/g;
  for (let match = pattern.exec(statement); match && found.length < 3; match = pattern.exec(statement)) found.push(match[0].toUpperCase());
  return found;
}

/** Statement texts with comments removed; quoted text is kept out of the split but not interpreted. */
function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let index = 0;
  while (index < sql.length) {
    const char = sql[index];
    const next = sql[index + 1];
    if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      index = end === -1 ? sql.length : end;
      current += ' ';
      continue;
    }
    if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      index = end === -1 ? sql.length : end + 2;
      current += ' ';
      continue;
    }
    if (char === "'" || char === '"') {
      const end = sql.indexOf(char, index + 1);
      const stop = end === -1 ? sql.length : end + 1;
      // Quoted text stands in as a blank: its words are not statement keywords.
      current += ' ';
      index = stop;
      continue;
    }
    if (char === '$') {
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(sql.slice(index));
      if (tag) {
        const end = sql.indexOf(tag[0], index + tag[0].length);
        index = end === -1 ? sql.length : end + tag[0].length;
        current += ' ';
        continue;
      }
    }
    if (char === ';') {
      statements.push(current);
      current = '';
      index += 1;
      continue;
    }
    current += char;
    index += 1;
  }
  statements.push(current);
  return statements.filter((statement) => statement.trim() !== '');
}
