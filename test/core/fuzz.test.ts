import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { analyze } from '../../src/core/analyze';
import { lineStarts, positionOf } from '../../src/core/lines';
import { ParseFailure } from '../../src/core/parse';
import { RULES } from '../../src/core/rules';
import type { AnalyzeOptions, RuleId, SeveritySetting } from '../../src/core/types';
import { loadSamples, type Sample } from './fuzz/corpus';
import { generateInputs } from './fuzz/generate';
import { deepNesting, encodingVariants, type FuzzInput } from './fuzz/mutations';

/**
 * The analyzer over mutated real code. POOL_LENS_FUZZ_COUNT sets how many inputs (default sized to
 * keep `npm test` near a minute on two cores; docs/RELIABILITY.md records a 100,000-input run) and
 * POOL_LENS_FUZZ_SEED replays a run.
 */
const COUNT = Number(process.env.POOL_LENS_FUZZ_COUNT ?? 40_000);
const SEED = Number(process.env.POOL_LENS_FUZZ_SEED ?? Date.now() % 2 ** 32);

/** Every rule on, whatever its default. */
const ALL_RULES = Object.fromEntries(RULES.map((rule) => [rule.id, 'warning'])) as Partial<Record<RuleId, SeveritySetting>>;
const GATE_OFF: AnalyzeOptions = { rules: ALL_RULES, gate: false };
const GATE_ON: AnalyzeOptions = { rules: ALL_RULES, gate: true };

type Outcome = { findings: string[] } | { failure: ParseFailure };

/** Runs the analyzer; anything thrown other than a well-formed ParseFailure fails the test with a way to replay it. */
function run(input: FuzzInput, options: AnalyzeOptions, index: number): Outcome {
  try {
    const findings = analyze(input.text, input.fileName, options);
    const starts = lineStarts(input.text);
    return { findings: findings.map((f) => `${f.ruleId}@${positionOf(starts, f.range[0]).line}`) };
  } catch (error) {
    const where = `input #${index} (${input.kind} of ${input.origin}, gate ${options.gate ? 'on' : 'off'}); replay with POOL_LENS_FUZZ_SEED=${SEED} POOL_LENS_FUZZ_COUNT=${index + 1}`;
    if (!(error instanceof ParseFailure)) {
      assert.fail(`${where}: ${error instanceof Error ? error.stack : String(error)}`);
    }
    assert.ok(error.reason.length > 0 && !error.reason.includes('\n'), `${where}: the reason is not one line: ${error.reason}`);
    assert.ok(error.offset >= 0 && error.offset <= input.text.length, `${where}: offset ${error.offset} outside the text`);
    assert.ok(error.line >= 1 && error.column >= 1, `${where}: position ${error.line}:${error.column}`);
    return { failure: error };
  }
}

function summary(outcome: Outcome): string[] | 'does not parse' {
  return 'failure' in outcome ? 'does not parse' : outcome.findings;
}

describe('fuzzed input', function () {
  this.timeout(600_000);
  let samples: Sample[];

  before(() => {
    samples = loadSamples();
  });

  it('finds the real files to mutate', () => {
    assert.ok(samples.length >= 100, `only ${samples.length} samples`);
    assert.ok(samples.some((sample) => sample.origin === 'node_modules/pg-pool/index.js'));
    assert.ok(samples.some((sample) => sample.origin.startsWith('test/fixtures/')));
  });

  it('reports the same rules on the same lines for unchanged code with a BOM, CRLF line ends or both', () => {
    let withFindings = 0;
    for (const [index, sample] of samples.entries()) {
      const unchanged: FuzzInput = { kind: 'unchanged', ...sample };
      const original = summary(run(unchanged, GATE_OFF, index));
      if (Array.isArray(original) && original.length > 0) withFindings++;
      for (const variant of encodingVariants(sample)) {
        assert.deepEqual(summary(run(variant, GATE_OFF, index)), original, `${variant.kind} of ${sample.origin}`);
        assert.deepEqual(summary(run(variant, GATE_ON, index)), summary(run(unchanged, GATE_ON, index)), `${variant.kind} of ${sample.origin}, gate on`);
      }
    }
    // The comparison means something only if many samples have findings to compare.
    assert.ok(withFindings >= 50, `only ${withFindings} samples have findings`);
  });

  it('says in one sentence that code nested 10,000 levels deep is too deep to analyse', () => {
    const inputs = deepNesting();
    const tooDeep = inputs.filter((input, index) => {
      const outcome = run(input, GATE_OFF, index);
      return 'failure' in outcome && outcome.failure.reason === 'nesting is too deep to analyse';
    });
    // Every shape, even unclosed parentheses, nests deeper than the parser's stack allows.
    assert.deepEqual(inputs.filter((input) => !tooDeep.includes(input)).map((input) => input.kind), []);
  });

  it(`lets nothing but ParseFailure escape over ${COUNT} mutated inputs (seed ${SEED})`, () => {
    // The three slowest single analyses (gate off), and the slowest gate off + on pair.
    const slowest: Array<{ ms: number; what: string }> = [];
    let slowestPair = { ms: 0, what: '' };
    let failures = 0;
    let index = 0;
    const started = performance.now();
    for (const input of generateInputs(samples, SEED, COUNT)) {
      const before = performance.now();
      const off = run(input, GATE_OFF, index);
      const middle = performance.now();
      const on = run(input, GATE_ON, index);
      const after = performance.now();
      const what = `${input.kind} of ${input.origin}, ${input.text.length} characters`;
      if (slowest.length < 3 || middle - before > slowest[2].ms) {
        slowest.push({ ms: middle - before, what });
        slowest.sort((a, b) => b.ms - a.ms).splice(3);
      }
      if (after - before > slowestPair.ms) slowestPair = { ms: after - before, what };
      if ('failure' in off) failures++;
      // The gate may only skip a file; when it lets the file through, the findings are the same.
      const gated = summary(on);
      if (!(Array.isArray(gated) && gated.length === 0)) {
        assert.deepEqual(gated, summary(off), `input #${index} (${input.kind} of ${input.origin}): gate on and off differ; seed ${SEED}`);
      }
      index++;
    }
    assert.equal(index, COUNT);
    const total = (performance.now() - started) / 1000;
    console.log(
      `      fuzz: ${index} inputs, seed ${SEED}, ${failures} ParseFailures, ${total.toFixed(1)} s; ` +
        `slowest analyses ${slowest.map((s) => `${s.ms.toFixed(0)} ms (${s.what})`).join(', ')}; ` +
        `slowest gate off + on ${slowestPair.ms.toFixed(0)} ms (${slowestPair.what})`,
    );
  });
});
