import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { treeCache } from './treeCaches';

/**
 * `\r\n` when the file uses it anywhere, else `\n`: the line ending a fix writes. Looked up once per
 * parsed file, not per fix: each lookup reads the whole text, and a file can have hundreds of fixes.
 */
export function lineEndingOf(ast: TSESTree.Program, text: string): string {
  let eol = lineEndings.get(ast);
  if (eol === undefined) {
    eol = text.includes('\r\n') ? '\r\n' : '\n';
    lineEndings.set(ast, eol);
  }
  return eol;
}

const lineEndings = treeCache<TSESTree.Program, string>();
