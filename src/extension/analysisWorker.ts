/**
 * Worker-thread entry (bundled as dist/analysisWorker.js): analyses one document per message, so a
 * large file does not block the extension host while it is parsed. Messages are `AnalysisRequest`s;
 * replies are `AnalysisReply`s carrying the request's id.
 */
import { parentPort } from 'node:worker_threads';
import type { DocumentParses } from '../core/documentParses';
import type { AnalysisReply, AnalysisRequest, ForgetRequest } from './offThreadAnalysis';

const port = parentPort;
if (!port) throw new Error('analysisWorker.js runs as a worker thread only.');

/** Large documents each keep a syntax tree here between edits; a few of them at most. */
const KEPT_DOCUMENTS = 4;

// Loaded on the first request, like the main thread's lazyCore: esbuild maps it to dist/core.js.
let core: Promise<typeof import('./coreModules')> | undefined;
let parses: DocumentParses | undefined;

port.on('message', (message: AnalysisRequest | ForgetRequest) => {
  if ('forget' in message) {
    parses?.forget(message.forget);
    return;
  }
  core ??= import('./coreModules');
  void core.then((modules) => port.postMessage(answer(modules, message)));
});

function answer(modules: typeof import('./coreModules'), request: AnalysisRequest): AnalysisReply {
  try {
    parses ??= new modules.DocumentParses(KEPT_DOCUMENTS);
    const parser = parses.parserFor(request.document, request.fileName);
    return { id: request.id, analysis: modules.analyzeFile(request.text, request.fileName, request.options, () => parser.parse(request.text)) };
  } catch (error) {
    if (error instanceof modules.ParseFailure) {
      const { reason, offset, line, column } = error;
      return { id: request.id, parseFailure: { reason, offset, line, column } };
    }
    return { id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}
