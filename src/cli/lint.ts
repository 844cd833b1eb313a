import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FileAnalysis } from '../core/analyze';
import { ParseFailure } from '../core/parse';
import type { ProjectFacts } from '../core/project';
import type { AnalyzeOptions } from '../core/types';
import { findNearestPackageJson, readScriptModuleKeys } from '../workspace/packageScripts';
import { ProjectConfigError, ProjectConfigLoader, type LoadedProjectConfig } from '../workspace/projectConfigFile';
import { ProjectIndex, sameNames } from '../workspace/projectIndex';
import { LINT_USAGE, parseLintArgs, UsageError } from './args';
import { EarlyAnalyses } from './earlyAnalyses';
import { ListenerDemand } from './listenerDemand';
import { EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, type CliCommand, type CliIo } from './io';
import { formatReport, reportFindings, reportUnusedSuppressions, type ReportedFinding, type ReportedSuppression } from './lintReport';
import { collectTargets, InputError, reasonOf, type LintTarget } from './lintTargets';
import { SarifLog } from './sarifReport';

/**
 * `pool-lens lint <file|dir>... [--format text|json|sarif]`. Reads every file first, indexes the pools they
 * export (so a pool imported from another given file is known), then analyses each file with those
 * facts and the project config nearest to it (pool-lens.config.json or package.json's "poolLens").
 * Files that do not parse are named on stderr and skipped without changing the exit status; so are the
 * config's bad entries. A config file that cannot be read or is not JSON stops the run with status 2.
 */
export const runLint: CliCommand = (argv, io) => lintWith({}, argv, io);

/**
 * `pool-lens lint` with analyzer options the command line does not offer; the benchmarks use it to
 * measure the same command with the text gate off.
 */
export function createLintCommand(options: Pick<AnalyzeOptions, 'gate'>): CliCommand {
  return (argv, io) => lintWith(options, argv, io);
}

async function lintWith(options: Pick<AnalyzeOptions, 'gate'>, argv: readonly string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseLintArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`pool-lens lint: ${error.message}\n${LINT_USAGE}\n`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.stdout(`${LINT_USAGE}\n`);
    return EXIT_CLEAN;
  }

  let targets: LintTarget[];
  let texts: Map<string, string>;
  let scriptKeys: string[];
  let configs: Map<string, LoadedProjectConfig | undefined>;
  try {
    const collected = await collectTargets(args.paths, io.cwd);
    targets = collected.targets;
    texts = await readAll(targets);
    scriptKeys = await scriptModules(collected.manifests, args.paths, io.cwd);
    configs = await projectConfigs(targets, io.cwd);
  } catch (error) {
    if (!(error instanceof InputError) && !(error instanceof ProjectConfigError)) throw error;
    io.stderr(`pool-lens lint: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const configProblems = new Set([...configs.values()].flatMap((loaded) => loaded?.problems ?? []));
  for (const problem of configProblems) io.stderr(`pool-lens lint: ${problem}\n`);

  const optionsFor = (file: string): AnalyzeOptions => {
    const config = configs.get(file)?.config;
    return { ...options, rules: config?.rules, ruleOptions: config?.ruleOptions };
  };
  // Files the index parses are analysed from that parse (see EarlyAnalyses): each file is parsed once.
  const early = new EarlyAnalyses(optionsFor);
  // Files that matter only for the error listener facts are parsed only if an analysis reads those.
  const index = new ProjectIndex(async (file) => texts.get(file) ?? fs.readFile(file, 'utf8'), early.onParsed, { deferListeners: true });
  index.setScriptFiles(scriptKeys);
  // Problems here resurface (once per file) when the file itself is analysed below.
  await index.addFiles(targets.map((target) => target.absolute));
  const analyse = (target: LintTarget, project: ProjectFacts): Outcome => {
    try {
      return { analysis: early.analyze(texts.get(target.absolute)!, target.absolute, project) };
    } catch (error) {
      return { error };
    }
  };
  const demand = new ListenerDemand(index.facts());
  const outcomes = targets.map((target) => {
    demand.reset();
    return { ...analyse(target, demand.facts), askedListeners: demand.asked };
  });
  if (index.hasDeferred && outcomes.some((outcome) => outcome.askedListeners)) {
    const before = index.facts();
    await index.summariseDeferred();
    const project = index.facts();
    // Only the listener facts can have changed; should anything else have, every file is analysed again.
    const all = !sameFactsBesideListeners(before, project);
    targets.forEach((target, i) => {
      if (all || outcomes[i].askedListeners) outcomes[i] = { ...analyse(target, project), askedListeners: true };
    });
  }

  const findings: ReportedFinding[] = [];
  const unusedSuppressions: ReportedSuppression[] = [];
  const sarif = args.format === 'sarif' ? new SarifLog() : undefined;
  targets.forEach((target, i) => {
    const text = texts.get(target.absolute)!;
    const outcome = outcomes[i];
    if (!('analysis' in outcome)) {
      io.stderr(`${describeFailure(target.display, outcome.error)}\n`);
      return;
    }
    const { analysis } = outcome;
    findings.push(...reportFindings(target.display, text, analysis.findings));
    unusedSuppressions.push(...reportUnusedSuppressions(target.display, text, analysis.unusedSuppressions));
    sarif?.add(target.display, text, analysis.findings);
  });

  io.stdout(sarif ? sarif.toString() : formatReport({ filesScanned: targets.length, findings, unusedSuppressions }, args.format));
  return findings.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** One file's analysis, or what stopped it. */
type Outcome = { analysis: FileAnalysis } | { error: unknown };

/** Whether two snapshots of the facts agree on everything but the error listener facts. */
function sameFactsBesideListeners(a: ProjectFacts, b: ProjectFacts): boolean {
  if (a.complete !== b.complete || !sameNames(a.scriptFiles, b.scriptFiles) || a.poolExports.size !== b.poolExports.size) return false;
  for (const [key, names] of a.poolExports) {
    const other = b.poolExports.get(key);
    if (!other || !sameNames(names, other)) return false;
  }
  return true;
}

/**
 * Reads synchronously: the command has nothing else to do meanwhile, and one `fs.readFile` per file
 * (open, stat, read, close on the thread pool) cost about seven times the CPU time of `readFileSync`
 * over the bench corpus (651 files: about 80 ms against 12 ms).
 */
async function readAll(targets: readonly LintTarget[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const target of targets) {
    try {
      texts.set(target.absolute, readFileSync(target.absolute, 'utf8'));
    } catch (error) {
      throw new InputError(`cannot read '${target.display}': ${reasonOf(error)}.`);
    }
  }
  return texts;
}

/** The project config that applies to each target, by absolute path; names in sentences are relative to the cwd. */
async function projectConfigs(targets: readonly LintTarget[], cwd: string): Promise<Map<string, LoadedProjectConfig | undefined>> {
  const loader = new ProjectConfigLoader((file) => path.relative(cwd, file) || file);
  const configs = new Map<string, LoadedProjectConfig | undefined>();
  for (const target of targets) configs.set(target.absolute, await loader.forFile(target.absolute));
  return configs;
}

/** Script module keys from the package.json files in the given folders and the nearest one above each path and the cwd. */
async function scriptModules(found: readonly string[], paths: readonly string[], cwd: string): Promise<string[]> {
  const manifests = new Set(found);
  for (const start of [...paths.map((given) => path.resolve(cwd, given)), cwd]) {
    const nearest = await findNearestPackageJson(start);
    if (nearest) manifests.add(nearest);
  }
  const keys: string[] = [];
  for (const manifest of manifests) keys.push(...(await readScriptModuleKeys(manifest)));
  return keys;
}

function describeFailure(display: string, error: unknown): string {
  if (error instanceof ParseFailure) return `${display}:${error.line}:${error.column}: skipped: does not parse: ${error.reason}`;
  const message = error instanceof Error ? error.message : String(error);
  return `${display}: skipped: the analyzer failed on this file (please report it): ${message}`;
}
