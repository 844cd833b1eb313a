import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { positionOf } from './lines';
import type { TextEdit } from './types';

/**
 * Edits that add `key: value` as the last property of an object literal, in the object's own layout:
 * on a line of its own with the indentation of the other properties (and a trailing comma when they
 * have one) when the object spans lines, inline after a comma when it does not. Undefined when the
 * layout is unusual enough that a tidy edit cannot be promised (a property sharing the closing brace's
 * line, a property not at the start of its line).
 */
export function addPropertyEdits(
  text: string,
  lineStarts: readonly number[],
  object: TSESTree.ObjectExpression,
  property: string,
): TextEdit[] | undefined {
  const [open, close] = [object.range[0], object.range[1] - 1];
  const last = object.properties[object.properties.length - 1];
  if (!last) return [{ range: [open + 1, close], text: ` ${property} ` }];

  const lineOf = (offset: number) => positionOf(lineStarts, offset).line;
  if (lineOf(open) === lineOf(close)) return [{ range: [last.range[1], last.range[1]], text: `, ${property}` }];

  const closeLineStart = lineStarts[lineOf(close) - 1];
  const lastLineStart = lineStarts[lineOf(last.range[0]) - 1];
  const beforeClose = text.slice(closeLineStart, close);
  const indent = text.slice(lastLineStart, last.range[0]);
  if (!/^[ \t]*$/.test(beforeClose) || !/^[ \t]*$/.test(indent) || lineOf(last.range[1]) === lineOf(close)) return undefined;

  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const trailingComma = hasTrailingComma(text.slice(last.range[1], closeLineStart));
  const added: TextEdit = { range: [closeLineStart, closeLineStart], text: `${indent}${property}${trailingComma ? ',' : ''}${eol}` };
  return trailingComma ? [added] : [{ range: [last.range[1], last.range[1]], text: ',' }, added];
}

/** Whether the text between the last property and the closing brace's line holds a comma outside comments. */
function hasTrailingComma(between: string): boolean {
  return between.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '').includes(',');
}
