import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ParsedText } from './analyze';
import { parseInDialect, parseSourceDialect } from './parse';
import { forgetTreeCaches } from './treeCaches';
import { linkParents, linkSubtree, setLinkedNodes } from './traverse';

type Node = TSESTree.Node;
type Program = TSESTree.Program;
type Statement = TSESTree.ProgramStatement;

/** What the last `parse` did with the text it was given. */
export type ParseKind = 'full' | 'statement' | 'unchanged';

interface LastParse {
  text: string;
  ast: Program;
  nodes: Node[];
  /** The JSX setting the whole file parsed with (`parseSourceDialect`). */
  jsx: boolean;
}

/** Appended to a re-parsed statement of a module, so the piece is parsed as a module too. */
const MODULE_MARKER = '\nexport {};';
/** Words that continue an expression from the next line, so a statement starting with one is not separate. */
const CONTINUING_WORDS = new Set(['in', 'instanceof', 'as', 'satisfies']);

/**
 * Parses successive versions of one document, as the user types. When an edit lies inside one top-level
 * statement (typing in a function body), only that statement is parsed again: its text, with everything
 * before it blanked out so offsets and lines stay those of the file, in the dialect the file parsed in.
 * The new statement replaces the old one in the previous tree, and the nodes after it move by the edit's
 * length and line count. The result is the tree `parseSource` and `linkParents` give for the new text
 * (test/core/incrementalParse.test.ts compares them over seeded edits); an edit the parser cannot prove
 * to be local (at a statement's edge, across statements, next to a statement without a terminator, a
 * change of the file's module kind) parses the whole text.
 *
 * The tree of the previous `parse` is updated in place: its caller must be done with it.
 */
export class IncrementalParser {
  private last: LastParse | undefined;
  /** What the last successful `parse` did: for tests and benchmarks. */
  lastKind: ParseKind = 'full';

  constructor(readonly fileName: string) {}

  /** The parse of `text` with parents linked. Throws `ParseFailure` when it does not parse; the previous parse is kept then. */
  parse(text: string): ParsedText {
    const last = this.last;
    if (last) forgetAnalysis(last.ast);
    if (last?.text === text) {
      setLinkedNodes(last.ast, last.nodes);
      this.lastKind = 'unchanged';
      return { ast: last.ast, nodes: last.nodes };
    }
    const nodes = last && reparseStatement(last, text);
    if (last && nodes) {
      this.last = { ...last, text, nodes };
      this.lastKind = 'statement';
      return { ast: last.ast, nodes };
    }
    const { ast, jsx } = parseSourceDialect(text, this.fileName);
    const linked = linkParents(ast);
    this.last = { text, ast, nodes: linked, jsx };
    this.lastKind = 'full';
    return { ast, nodes: linked };
  }
}

/**
 * Parses again only the top-level statement holding the edit from `last.text` to `text`, and updates the
 * tree. Returns the new node list, or undefined (nothing changed) when the edit cannot be handled so.
 */
function reparseStatement(last: LastParse, text: string): Node[] | undefined {
  const old = last.text;
  const { ast } = last;
  const shorter = Math.min(old.length, text.length);
  let start = 0;
  while (start < shorter && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let common = 0;
  while (common < shorter - start && old.charCodeAt(old.length - 1 - common) === text.charCodeAt(text.length - 1 - common)) common++;
  const oldEnd = old.length - common;
  const delta = text.length - old.length;

  const index = statementAround(ast.body, start, oldEnd);
  if (index < 0) return undefined;
  const statement = ast.body[index];
  const next: Statement | undefined = ast.body[index + 1];
  // The statement's first word may be edited (new text); its last character and the next statement are not.
  if (!separate(text, ast.body[index - 1], statement) || !separate(old, statement, next)) return undefined;
  // The last line of the file moves by the edit's line count only if the statement ends above it.
  if (ast.loc.end.line === statement.loc.end.line) return undefined;

  const nodes = last.nodes;
  const from = nodes.indexOf(statement);
  const to = next ? nodes.indexOf(next, from) : nodes.length;
  if (from < 0 || to < 0) return undefined;
  // Decorators of an exported class lie before the export's range: the piece would lose them.
  for (let i = from + 1; i < to; i++) if (nodes[i].range[0] < statement.range[0] || nodes[i].range[1] > statement.range[1]) return undefined;

  const pieceStart = statement.range[0];
  const pieceEnd = statement.range[1] + delta;
  const module = ast.sourceType === 'module';
  let piece: Program;
  try {
    piece = parseInDialect(blankLines(statement) + text.slice(pieceStart, pieceEnd) + (module ? MODULE_MARKER : ''), last.jsx);
  } catch {
    return undefined;
  }
  const replacement = piece.body[0];
  if (piece.body.length !== (module ? 2 : 1) || replacement.range[0] !== pieceStart || replacement.range[1] !== pieceEnd) return undefined;
  if (isStringStatement(replacement)) return undefined;
  if (module ? !staysModule(ast.body, index, replacement) : piece.sourceType !== 'script') return undefined;

  const lineDelta = replacement.loc.end.line - statement.loc.end.line;
  const fresh = linkSubtree(replacement);
  (replacement as { parent: Node }).parent = ast;
  ast.body[index] = replacement;
  // The parser shares some ranges and positions between a node and its child (an import specifier and its
  // local name): each is moved once.
  const moved = new Set<object>();
  for (let i = to; i < nodes.length; i++) {
    const { range, loc } = nodes[i];
    if (!moved.has(range)) {
      moved.add(range);
      range[0] += delta;
      range[1] += delta;
    }
    if (!moved.has(loc.start)) {
      moved.add(loc.start);
      loc.start.line += lineDelta;
    }
    if (!moved.has(loc.end)) {
      moved.add(loc.end);
      loc.end.line += lineDelta;
    }
  }
  ast.range[1] += delta;
  ast.loc.end.line += lineDelta;
  const updated = nodes.slice(0, from).concat(fresh, nodes.slice(to));
  forgetTreeCaches();
  setLinkedNodes(ast, updated);
  return updated;
}

/** Takes off what an analysis put on the tree (`analyzeFile` sets the comments it scanned), as a parse from scratch has none. */
function forgetAnalysis(ast: Program): void {
  delete (ast as { comments?: unknown }).comments;
}

/** The index of the statement whose first and last characters lie outside the edit [start, end), or -1. */
function statementAround(body: readonly Statement[], start: number, end: number): number {
  let low = 0;
  let high = body.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, after] = body[middle].range;
    if (after <= start) low = middle + 1;
    else if (first >= end) high = middle - 1;
    else return first < start && end < after ? middle : -1;
  }
  return -1;
}

/**
 * Whether two neighbouring statements stay two whatever the edit does inside either: the first ends in
 * `;` or `}`, the second starts on a later line with a word that cannot continue an expression.
 * A missing neighbour (the file's start or end) separates.
 */
function separate(text: string, before: Statement | undefined, after: Statement | undefined): boolean {
  if (!before || !after) return true;
  const last = text.charCodeAt(before.range[1] - 1);
  if (last !== 0x3b /* ; */ && last !== 0x7d /* } */) return false;
  if (after.loc.start.line <= before.loc.end.line) return false;
  const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(after.range[0], after.range[0] + 16));
  return word !== null && !CONTINUING_WORDS.has(word[0]);
}

/**
 * Blank text as long as the file before the statement, with as many line breaks before the statement's
 * column: a piece after it has the file's offsets, lines and columns. (Only line starts matter to the parser's
 * locations, so the breaks are all `\n`, whatever the file uses.)
 */
function blankLines(statement: Statement): string {
  const breaks = statement.loc.start.line - 1;
  const column = statement.loc.start.column;
  return ' '.repeat(statement.range[0] - column - breaks) + '\n'.repeat(breaks) + ' '.repeat(column);
}

/** A statement that is a string alone: a directive at the start of a file, which a piece cannot tell. */
function isStringStatement(statement: Statement): boolean {
  return statement.type === 'ExpressionStatement' && statement.expression.type === 'Literal' && typeof statement.expression.value === 'string';
}

/** A module stays one when a statement other than the replaced one, or its replacement, imports or exports. */
function staysModule(body: readonly Statement[], index: number, replacement: Statement): boolean {
  if (isModuleStatement(replacement)) return true;
  for (let i = 0; i < body.length; i++) if (i !== index && isModuleStatement(body[i])) return true;
  return false;
}

function isModuleStatement(statement: Statement): boolean {
  switch (statement.type) {
    case 'ImportDeclaration':
    case 'ExportNamedDeclaration':
    case 'ExportDefaultDeclaration':
    case 'ExportAllDeclaration':
    case 'TSExportAssignment':
      return true;
    case 'TSImportEqualsDeclaration':
      return statement.moduleReference.type === 'TSExternalModuleReference';
    default:
      return false;
  }
}
