import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../core/analyze';
import { ParseFailure } from '../core/parse';
import type { AnalyzeOptions, Finding } from '../core/types';
import { findNearestPackageJson, readScriptModuleKeys } from '../workspace/packageScripts';
import { ProjectIndex } from '../workspace/projectIndex';
import { LINT_USAGE, parseLintArgs, UsageError } from './args';
import { EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, type CliCommand, type CliIo } from './io';
import { formatReport, reportFindings, type ReportedFinding } from './lintReport';
import { collectTargets, InputError, reasonOf, type LintTarget } from './lintTargets';
import { SarifLog } from './sarifReport';

/**
 * `pool-lens lint <file|dir>... [--format text|json|sarif]`. Reads every file first, indexes the pools they
 * export (so a pool imported from another given file is known), then analyses each file with those
 * facts. Files that do not parse are named on stderr and skipped without changing the exit status.
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
  try {
    const collected = await collectTargets(args.paths, io.cwd);
    targets = collected.targets;
    texts = await readAll(targets);
    scriptKeys = await scriptModules(collected.manifests, args.paths, io.cwd);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr(`pool-lens lint: ${error.message}\n`);
    return EXIT_USAGE;
  }

  const index = new ProjectIndex(async (file) => texts.get(file) ?? fs.readFile(file, 'utf8'));
  index.setScriptFiles(scriptKeys);
  // Problems here resurface (once per file) when the file itself is analysed below.
  await index.addFiles(targets.map((target) => target.absolute));
  const project = index.facts();

  const findings: ReportedFinding[] = [];
  const sarif = args.format === 'sarif' ? new SarifLog() : undefined;
  for (const target of targets) {
    const text = texts.get(target.absolute)!;
    let fileFindings: Finding[];
    try {
      fileFindings = analyze(text, target.absolute, { ...options, project });
    } catch (error) {
      io.stderr(`${describeFailure(target.display, error)}\n`);
      continue;
    }
    findings.push(...reportFindings(target.display, text, fileFindings));
    sarif?.add(target.display, text, fileFindings);
  }

  io.stdout(sarif ? sarif.toString() : formatReport({ filesScanned: targets.length, findings }, args.format));
  return findings.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

async function readAll(targets: readonly LintTarget[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const target of targets) {
    try {
      texts.set(target.absolute, await fs.readFile(target.absolute, 'utf8'));
    } catch (error) {
      throw new InputError(`cannot read '${target.display}': ${reasonOf(error)}.`);
    }
  }
  return texts;
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
