import assert from 'node:assert/strict';
import { analyze } from '../../src/core/analyze';
import { applyEdits } from '../../src/core/edits';
import { lineStarts, positionOf } from '../../src/core/lines';
import { parseSource } from '../../src/core/parse';
import type { ProjectFacts } from '../../src/core/project';
import { RULE_IDS, type Finding, type Rule, type RuleId, type RuleOptions } from '../../src/core/types';

export interface ValidCase {
  code: string;
  /** Defaults to `file.ts`; the extension picks the dialect (JSX, TS). */
  fileName?: string;
  project?: ProjectFacts;
  /** Rule options for this case, as `analyze` takes them (e.g. pool-config's connection budget). */
  options?: RuleOptions;
  name?: string;
}

export interface ExpectedFix {
  title: string;
  /** The whole file after the fix, character for character. */
  output: string;
}

export interface ExpectedError {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message?: string | RegExp;
  /** Related locations ("client acquired here"), 1-based. */
  related?: Array<{ line: number; column: number; message?: string | RegExp }>;
  /** Every fix the finding offers, in order. Leaving it out means the finding offers none. */
  fixes?: ExpectedFix[];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
}

export interface RuleCases {
  valid: Array<string | ValidCase>;
  invalid: InvalidCase[];
}

/**
 * A strict table runner in the manner of ESLint's RuleTester: it rejects duplicate cases, fails on a
 * finding or a fix the case did not list, and re-parses every fix's output.
 */
export function runRuleTests(rule: Rule, cases: RuleCases): void {
  const seen = new Set<string>();
  const checkUnique = (item: ValidCase) => {
    const key = `${item.fileName ?? 'file.ts'}\u0000${JSON.stringify(item.options ?? {})}\u0000${item.code}`;
    if (seen.has(key)) throw new Error(`duplicate test case for ${rule.id}:\n${item.code}`);
    seen.add(key);
  };

  describe(rule.id, () => {
    describe('valid', () => {
      for (const raw of cases.valid) {
        const item = typeof raw === 'string' ? { code: raw } : raw;
        checkUnique(item);
        it(item.name ?? title(item.code), () => {
          const findings = run(rule, item);
          assert.deepEqual(findings.map(describeFinding), [], 'expected no findings');
        });
      }
    });
    describe('invalid', () => {
      for (const item of cases.invalid) {
        checkUnique(item);
        it(item.name ?? title(item.code), () => {
          if (item.errors.length === 0) throw new Error('an invalid case must expect at least one error');
          const findings = run(rule, item);
          const starts = lineStarts(item.code);
          assert.equal(
            findings.length,
            item.errors.length,
            `expected ${item.errors.length} finding(s), got:\n${findings.map(describeFinding).join('\n')}`,
          );
          findings.forEach((finding, index) => checkFinding(rule, item, finding, item.errors[index], starts));
        });
      }
    });
  });
}

function run(rule: Rule, item: ValidCase): Finding[] {
  const rules = Object.fromEntries(RULE_IDS.map((id) => [id, id === rule.id ? rule.meta.defaultSeverity : 'off'])) as Record<RuleId, 'off'>;
  return analyze(item.code, item.fileName ?? 'file.ts', { rules, project: item.project, ruleOptions: item.options });
}

function checkFinding(rule: Rule, item: InvalidCase, finding: Finding, expected: ExpectedError, starts: number[]): void {
  assert.equal(finding.ruleId, rule.id);
  const start = positionOf(starts, finding.range[0]);
  const end = positionOf(starts, finding.range[1]);
  const where = `${describeFinding(finding)}`;
  assert.deepEqual({ line: start.line, column: start.column }, { line: expected.line, column: expected.column }, `position of ${where}`);
  if (expected.endLine !== undefined) assert.equal(end.line, expected.endLine, `end line of ${where}`);
  if (expected.endColumn !== undefined) assert.equal(end.column, expected.endColumn, `end column of ${where}`);
  if (expected.message instanceof RegExp) assert.match(finding.message, expected.message);
  else if (expected.message !== undefined) assert.equal(finding.message, expected.message);

  if (expected.related !== undefined) {
    const related = (finding.related ?? []).map((info) => ({ ...positionOf(starts, info.range[0]), message: info.message }));
    assert.equal(related.length, expected.related.length, `related information of ${where}`);
    expected.related.forEach((want, index) => {
      assert.deepEqual({ line: related[index].line, column: related[index].column }, { line: want.line, column: want.column });
      if (want.message instanceof RegExp) assert.match(related[index].message, want.message);
      else if (want.message !== undefined) assert.equal(related[index].message, want.message);
    });
  }

  const produced = finding.fixes ?? [];
  const wanted = expected.fixes ?? [];
  assert.deepEqual(
    produced.map((fix) => fix.title),
    wanted.map((fix) => fix.title),
    `fixes offered by ${where} (every produced fix must be listed)`,
  );
  produced.forEach((fix, index) => {
    const output = applyEdits(item.code, fix.edits);
    assert.equal(output, wanted[index].output, `output of fix "${fix.title}"`);
    assert.doesNotThrow(() => parseSource(output, item.fileName ?? 'file.ts'), `output of fix "${fix.title}" must parse`);
  });
}

function describeFinding(finding: Finding): string {
  return `${finding.ruleId} [${finding.range[0]}, ${finding.range[1]}]: ${finding.message}`;
}

function title(code: string): string {
  const flat = code.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat;
}
