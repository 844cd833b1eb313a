import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { scanComments } from './comments';
import { mayUsePg } from './gate';
import { lineStarts, positionOf } from './lines';
import { ParseFailure, parseSource } from './parse';
import { PgModel } from './pgModel';
import { RULES } from './rules';
import { SUPPRESSION_DIRECTIVE, Suppressions, type UnusedSuppression } from './suppressions';
import { linkParents } from './traverse';
import type { AnalyzeOptions, Finding, Range, Rule, RuleContext, RuleId, Severity } from './types';

type Handler = (node: TSESTree.Node) => void;

/** What analysing one file finds: the findings, and the suppression comments that suppressed nothing. */
export interface FileAnalysis {
  findings: Finding[];
  unusedSuppressions: UnusedSuppression[];
}

/**
 * Analyzes one file. Returns the findings of every enabled rule, sorted by position, without those a
 * `pool-lens-disable-next-line` comment suppresses. Throws `ParseFailure` when the file does not parse.
 */
export function analyze(text: string, fileName: string, options: AnalyzeOptions = {}): Finding[] {
  return analyzeFile(text, fileName, options).findings;
}

/** A parse of the text being analysed, with parents linked (`linkParents`), made for another purpose. */
export interface ParsedText {
  ast: TSESTree.Program;
  nodes: TSESTree.Node[];
}

/**
 * `analyze`, and also the `pool-lens-disable-next-line` comments that suppressed nothing (or name no
 * rule). A file the text gate skips is parsed only when it holds such a comment. `parsed` saves the
 * parse when the caller already parsed this text (the CLI's project index summarised the file), or
 * makes it when the analysis needs it (the editor's `IncrementalParser`).
 */
export function analyzeFile(text: string, fileName: string, options: AnalyzeOptions = {}, parsed?: ParsedText | (() => ParsedText)): FileAnalysis {
  const enabled = RULES.flatMap((rule) => {
    const severity = severityOf(rule, options);
    return severity === undefined ? [] : [{ rule, severity }];
  });
  const ranRules = new Set(enabled.map(({ rule }) => rule.id));
  if (options.gate !== false && !mayUsePg(text, options.project)) return withoutFindings(text, fileName, ranRules);
  if (enabled.length === 0) return withoutFindings(text, fileName, ranRules);

  const given = typeof parsed === 'function' ? parsed() : parsed;
  const ast = given?.ast ?? parseSource(text, fileName);
  const nodes = given?.nodes ?? linkParents(ast);
  const model = new PgModel(nodes, fileName, options.project);
  if (!model.usesPg) return unusedOnly(text, nodes, ranRules);

  const starts = lineStarts(text);

  ast.comments = scanComments(text, nodes, starts);
  const findings: Finding[] = [];
  const handlers = new Map<string, Handler[]>();
  const exitHandlers: Array<(program: TSESTree.Program) => void> = [];

  for (const { rule, severity } of enabled) {
    const context = createContext(rule, severity, text, fileName, ast, model, options, starts, findings);
    const visitors = rule.create(context) as Record<string, Handler | undefined>;
    for (const [type, handler] of Object.entries(visitors)) {
      if (!handler) continue;
      if (type === 'Program:exit') exitHandlers.push(handler as (program: TSESTree.Program) => void);
      else handlers.set(type, [...(handlers.get(type) ?? []), handler]);
    }
  }
  // Indexed loops over the file's nodes (here and in the model, comments and reference index): these run once per
  // analysis, mostly before V8 optimises them, and an unoptimised `for…of` allocates an iterator result per node.
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const list = handlers.get(node.type);
    if (list) for (let h = 0; h < list.length; h++) list[h](node);
  }
  for (const handler of exitHandlers) handler(ast);

  const suppressions = new Suppressions(ast.comments);
  const kept = findings
    .filter((finding) => !suppressions.suppresses(positionOf(starts, finding.range[0]).line, finding.ruleId))
    .sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1] || a.ruleId.localeCompare(b.ruleId));
  return { findings: kept, unusedSuppressions: suppressions.unused(text, starts, ranRules) };
}

/**
 * A file with no findings: its suppression comments, if it has any, all suppress nothing. The file is
 * parsed only to find its comments, and only when the directive appears in it; if it does not parse,
 * nothing is said (the analysis did not need it to).
 */
function withoutFindings(text: string, fileName: string, ranRules: ReadonlySet<RuleId>): FileAnalysis {
  if (!text.includes(SUPPRESSION_DIRECTIVE)) return { findings: [], unusedSuppressions: [] };
  let nodes: TSESTree.Node[];
  try {
    nodes = linkParents(parseSource(text, fileName));
  } catch (error) {
    if (error instanceof ParseFailure) return { findings: [], unusedSuppressions: [] };
    throw error;
  }
  return unusedOnly(text, nodes, ranRules);
}

function unusedOnly(text: string, nodes: readonly TSESTree.Node[], ranRules: ReadonlySet<RuleId>): FileAnalysis {
  if (!text.includes(SUPPRESSION_DIRECTIVE)) return { findings: [], unusedSuppressions: [] };
  const starts = lineStarts(text);
  const suppressions = new Suppressions(scanComments(text, nodes, starts));
  return { findings: [], unusedSuppressions: suppressions.unused(text, starts, ranRules) };
}

function severityOf(rule: Rule, options: AnalyzeOptions): Severity | undefined {
  const setting = options.rules?.[rule.id] ?? rule.meta.defaultSeverity;
  return setting === 'off' ? undefined : setting;
}

function createContext(
  rule: Rule,
  severity: Severity,
  text: string,
  fileName: string,
  ast: TSESTree.Program,
  model: PgModel,
  options: AnalyzeOptions,
  starts: number[],
  findings: Finding[],
): RuleContext {
  return {
    text,
    fileName,
    ast,
    model,
    project: options.project,
    options: options.ruleOptions ?? {},
    lineStarts: starts,
    lineOf: (offset) => positionOf(starts, offset).line,
    textOf: (nodeOrRange) => {
      const [start, end]: Range = Array.isArray(nodeOrRange) ? nodeOrRange : nodeOrRange.range;
      return text.slice(start, end);
    },
    report(descriptor) {
      const range = descriptor.range ?? descriptor.node?.range;
      if (!range) throw new Error(`${rule.id}: a report needs a node or a range`);
      const template = rule.meta.messages[descriptor.messageId];
      if (template === undefined) throw new Error(`${rule.id}: unknown messageId '${descriptor.messageId}'`);
      const message = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
        descriptor.data && key in descriptor.data ? String(descriptor.data[key]) : whole,
      );
      findings.push({
        ruleId: rule.id,
        severity,
        message,
        range: [range[0], range[1]],
        ...(descriptor.related?.length ? { related: descriptor.related } : {}),
        ...(descriptor.fixes?.length ? { fixes: descriptor.fixes } : {}),
      });
    },
  };
}
