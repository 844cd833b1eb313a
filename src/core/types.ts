import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ProjectFacts } from './project';

/** Offsets into the document text: [start, end). Only the editor layer turns them into positions. */
export type Range = [number, number];

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export const RULE_IDS = [
  'leaked-client',
  'pool-per-request',
  'script-without-end',
  'transaction-on-pool',
  'double-release',
  'missing-rollback',
  'missing-error-handler',
  'pool-config',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface TextEdit {
  range: Range;
  text: string;
}

/** A change the user may choose. It can change runtime behaviour, so it is never applied automatically. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedInfo {
  range: Range;
  message: string;
}

export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  message: string;
  range: Range;
  related?: RelatedInfo[];
  fixes?: Fix[];
}

export interface AnalyzeOptions {
  /** Per-rule severity; a rule missing here runs at its default severity. */
  rules?: Partial<Record<RuleId, SeveritySetting>>;
  /** What other files of the project say (pools they export, which files are scripts). */
  project?: ProjectFacts;
  /** Skip files that show no sign of pg without parsing them. On by default. */
  gate?: boolean;
  /** Options of the rules that take any (see each rule's docs page). */
  ruleOptions?: RuleOptions;
}

/** Per-rule options, from settings or the project's config file. Absent means the rule's defaults. */
export interface RuleOptions {
  'pool-config'?: {
    /** Connections one instance of the app may open across all its pools; a pool's `max` above it is flagged. */
    connectionBudget?: number;
  };
}

export interface RuleMeta {
  type: 'problem' | 'suggestion';
  /** One line, shown in docs and settings. */
  description: string;
  /** Message templates with `{{placeholders}}`. */
  messages: Record<string, string>;
  hasFixes: boolean;
  defaultSeverity: Severity;
}

export interface ReportDescriptor {
  node?: TSESTree.Node;
  range?: Range;
  messageId: string;
  data?: Record<string, string | number>;
  related?: RelatedInfo[];
  fixes?: Fix[];
}

export interface RuleContext {
  readonly text: string;
  readonly fileName: string;
  readonly ast: TSESTree.Program;
  readonly model: import('./pgModel').PgModel;
  readonly project: ProjectFacts | undefined;
  /** Rule options as given to `analyze` (an empty object when none were). */
  readonly options: RuleOptions;
  /** Offsets where each line starts, computed once per analysis (see `lines.ts`). */
  readonly lineStarts: readonly number[];
  /** 1-based line of an offset. */
  lineOf(offset: number): number;
  /** Text of a node or range. */
  textOf(nodeOrRange: TSESTree.Node | Range): string;
  report(descriptor: ReportDescriptor): void;
}

type NodeOfType<K extends TSESTree.Node['type']> = Extract<TSESTree.Node, { type: K }>;

export type RuleVisitors = {
  [K in TSESTree.Node['type']]?: (node: NodeOfType<K>) => void;
} & {
  'Program:exit'?: (node: TSESTree.Program) => void;
};

export interface Rule {
  id: RuleId;
  meta: RuleMeta;
  create(context: RuleContext): RuleVisitors;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
