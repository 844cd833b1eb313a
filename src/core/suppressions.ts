import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { lineIndexOf } from './lines';
import { RULE_IDS, type Fix, type Range, type RuleId } from './types';

export const SUPPRESSION_DIRECTIVE = 'pool-lens-disable-next-line';
const DIRECTIVE = new RegExp(`^\\s*${SUPPRESSION_DIRECTIVE}\\b(.*)$`);
/** A rule id as written in a directive: the ids, separated by commas or blanks, end at `--`. */
const ID = /[^\s,]+/g;

/**
 * A `pool-lens-disable-next-line` comment that suppresses nothing, or names a rule that does not exist.
 * It is not a finding: it has no rule id of its own, and it is reported next to the findings, not among them.
 */
export interface UnusedSuppression {
  /** The directive comment. */
  range: Range;
  /** One sentence: which ids suppress nothing or are not rules. */
  message: string;
  /** Removes the whole comment, or only the ids that are unused or unknown when others are still needed. */
  fix: Fix;
}

interface NamedId {
  id: string;
  /** Where the id is written in the text. */
  range: Range;
}

interface Directive {
  comment: TSESTree.Comment;
  /** The 1-based line the directive applies to: the one after the comment ends. */
  line: number;
  /** Empty: the directive names no rule and suppresses every rule on its line. */
  ids: NamedId[];
  /** Rule ids (or `*` for a directive without ids) that suppressed at least one finding. */
  used: Set<string>;
}

/**
 * The `// pool-lens-disable-next-line <id>[, <id>] [-- reason]` comments of a file. `suppresses` answers
 * whether a finding is suppressed and remembers which directive did it, so that afterwards `unused`
 * can name the directives (and ids) that suppressed nothing.
 */
export class Suppressions {
  private readonly byLine = new Map<number, Directive[]>();
  private readonly directives: Directive[] = [];

  constructor(comments: readonly TSESTree.Comment[] | undefined) {
    for (const comment of comments ?? []) {
      const match = DIRECTIVE.exec(comment.value);
      if (!match) continue;
      const list = match[1].split('--')[0];
      // The comment's text starts after `//` or `/*`.
      const listStart = comment.range[0] + 2 + comment.value.indexOf(match[1]);
      const ids = [...list.matchAll(ID)].map((found): NamedId => {
        const start = listStart + (found.index ?? 0);
        return { id: found[0], range: [start, start + found[0].length] };
      });
      const directive: Directive = { comment, line: comment.loc.end.line + 1, ids, used: new Set() };
      this.directives.push(directive);
      this.byLine.set(directive.line, [...(this.byLine.get(directive.line) ?? []), directive]);
    }
  }

  get isEmpty(): boolean {
    return this.directives.length === 0;
  }

  /** Whether a finding of `ruleId` starting on `line` is suppressed; records the directive as used. */
  suppresses(line: number, ruleId: RuleId): boolean {
    let suppressed = false;
    for (const directive of this.byLine.get(line) ?? []) {
      if (directive.ids.length === 0) {
        directive.used.add('*');
        suppressed = true;
      } else if (directive.ids.some((named) => named.id === ruleId)) {
        directive.used.add(ruleId);
        suppressed = true;
      }
    }
    return suppressed;
  }

  /**
   * Directives that suppressed nothing, and ids in directives that are not Pool Lens rules. An id of a
   * rule that did not run (off in the configuration) is not called unused: another configuration (the
   * CLI's, a teammate's settings) may run it, and the directive is needed there.
   */
  unused(text: string, lineStarts: readonly number[], ranRules: ReadonlySet<RuleId>): UnusedSuppression[] {
    const result: UnusedSuppression[] = [];
    for (const directive of this.directives) {
      const removeComment = (): Fix => ({ title: 'Remove this unused suppression', edits: [{ range: commentRemoval(text, lineStarts, directive.comment), text: '' }] });
      if (directive.ids.length === 0) {
        if (!directive.used.has('*') && ranRules.size > 0) {
          result.push({ range: directive.comment.range, message: 'This suppression suppresses nothing on the next line.', fix: removeComment() });
        }
        continue;
      }
      const unknown = directive.ids.filter((named) => !(RULE_IDS as readonly string[]).includes(named.id));
      const idle = directive.ids.filter((named) => !unknown.includes(named) && ranRules.has(named.id as RuleId) && !directive.used.has(named.id));
      if (unknown.length === 0 && idle.length === 0) continue;
      const sentences = [
        ...unknown.map((named) => `'${named.id}' is not a Pool Lens rule (known rules: ${RULE_IDS.join(', ')}).`),
        ...(idle.length > 0 ? [`${quoteList(idle.map((named) => named.id))} suppresses nothing on the next line.`] : []),
      ];
      const removable = [...unknown, ...idle];
      const fix: Fix =
        removable.length === directive.ids.length
          ? removeComment()
          : { title: `Remove ${quoteList(removable.map((named) => named.id))} from this suppression`, edits: idRemovals(directive.ids, removable) };
      result.push({ range: directive.comment.range, message: sentences.join(' '), fix });
    }
    return result;
  }
}

function quoteList(ids: readonly string[]): string {
  return ids.map((id) => `'${id}'`).join(', ');
}

/** The comment, with its whole line when nothing else is on it (so no blank line is left behind). */
function commentRemoval(text: string, lineStarts: readonly number[], comment: TSESTree.Comment): Range {
  const [start, end] = comment.range;
  const lineIndex = lineIndexOf(lineStarts, start);
  const lineStart = lineStarts[lineIndex];
  const nextLineStart = lineIndex + 1 < lineStarts.length ? lineStarts[lineIndex + 1] : text.length;
  const before = text.slice(lineStart, start);
  const after = text.slice(end, nextLineStart);
  if (/^\s*$/.test(before) && /^\s*$/.test(after) && lineIndexOf(lineStarts, end) === lineIndex) return [lineStart, nextLineStart];
  // Also the blanks between the code and a trailing comment.
  const trailing = before.length - before.trimEnd().length;
  return [start - trailing, end];
}

/** Rewrites a directive's id list without the removed ids. */
function idRemovals(all: readonly NamedId[], removed: readonly NamedId[]): Array<{ range: Range; text: string }> {
  const kept = all.filter((named) => !removed.includes(named)).map((named) => named.id);
  return [{ range: [all[0].range[0], all[all.length - 1].range[1]], text: kept.join(', ') }];
}
