import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { scanComments } from './comments';
import { mayUsePg } from './gate';
import { lineStarts, positionOf } from './lines';
import { parseSource } from './parse';
import { PgModel } from './pgModel';
import { RULES } from './rules';
import { isSuppressed, readSuppressions } from './suppressions';
import { linkParents } from './traverse';
import type { AnalyzeOptions, Finding, Range, Rule, RuleContext, Severity } from './types';

type Handler = (node: TSESTree.Node) => void;

/**
 * Analyzes one file. Returns the findings of every enabled rule, sorted by position, without those a
 * `pool-lens-disable-next-line` comment suppresses. Throws `ParseFailure` when the file does not parse.
 */
export function analyze(text: string, fileName: string, options: AnalyzeOptions = {}): Finding[] {
  if (options.gate !== false && !mayUsePg(text, options.project)) return [];
  const enabled = RULES.flatMap((rule) => {
    const severity = severityOf(rule, options);
    return severity === undefined ? [] : [{ rule, severity }];
  });
  if (enabled.length === 0) return [];

  const ast = parseSource(text, fileName);
  const nodes = linkParents(ast);
  const model = new PgModel(nodes, fileName, options.project);
  if (!model.usesPg) return [];

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
  for (const node of nodes) {
    const list = handlers.get(node.type);
    if (list) for (const handler of list) handler(node);
  }
  for (const handler of exitHandlers) handler(ast);

  const suppressions = readSuppressions(ast.comments);
  return findings
    .filter((finding) => !isSuppressed(suppressions, positionOf(starts, finding.range[0]).line, finding.ruleId))
    .sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1] || a.ruleId.localeCompare(b.ruleId));
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
