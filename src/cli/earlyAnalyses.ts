import { analyzeFile, type FileAnalysis } from '../core/analyze';
import { mayUsePg } from '../core/gate';
import type { ProjectFacts } from '../core/project';
import type { AnalyzeOptions } from '../core/types';
import { FactsProbe } from '../workspace/factsProbe';
import type { OnParsed } from '../workspace/projectIndex';

interface EarlyAnalysis {
  analysis: FileAnalysis;
  /** Whether final facts answer what the analysis asked as the facts it ran with did. */
  sameFacts: (facts: ProjectFacts) => boolean;
}

/**
 * The project index parses the files that may use pg to summarise them, before the facts are final;
 * parsing them a second time for the analysis was most of a gated lint. So each such file is analysed
 * right away from the index's parse, with the facts it was summarised with, remembering what the
 * analysis asked of them. Once the index settles, an early analysis whose questions the final facts
 * answer the same way is the analysis those facts would give; any other file is analysed again. Only
 * results are kept, never a syntax tree.
 */
export class EarlyAnalyses {
  private readonly kept = new Map<string, EarlyAnalysis>();

  constructor(private readonly optionsFor: (file: string) => AnalyzeOptions) {}

  /** For `new ProjectIndex(read, early.onParsed)`. */
  readonly onParsed: OnParsed = (file, text, parsed, facts) => {
    const options = this.optionsFor(file);
    // The index also parses files for what they export or listen to; one that the analysis gate stops
    // now is very likely stopped by the final facts too, and then its analysis is not needed at all.
    if (options.gate !== false && !mayUsePg(text, facts)) return;
    const probe = new FactsProbe(facts);
    try {
      // The gate is checked against the final facts in `analyze`; here the file is parsed already.
      const analysis = analyzeFile(text, file, { ...options, gate: false, project: probe.facts }, parsed);
      this.kept.set(file, { analysis, sameFacts: probe.check() });
    } catch {
      // The analysis with the final facts meets the same failure and reports it.
      this.kept.delete(file);
    }
  };

  /** The analysis of a file with the final facts: its early analysis when that still holds, else a new one. */
  analyze(text: string, file: string, project: ProjectFacts): FileAnalysis {
    const options: AnalyzeOptions = { ...this.optionsFor(file), project };
    const early = this.kept.get(file);
    this.kept.delete(file);
    // The gate is looked at only for a file with an early analysis: `analyzeFile` applies it to the rest.
    if (early && (options.gate === false || mayUsePg(text, project)) && early.sameFacts(project)) return early.analysis;
    return analyzeFile(text, file, options);
  }
}
