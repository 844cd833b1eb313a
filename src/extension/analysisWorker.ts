/**
 * Worker-thread entry (bundled as dist/analysisWorker.js): analyses one document per message, so a
 * large file does not block the extension host while it is parsed. Messages are `AnalysisRequest`s;
 * replies are `AnalysisReply`s carrying the request's id.
 */
import { parentPort } from 'node:worker_threads';
import type { AnalysisReply, AnalysisRequest } from './offThreadAnalysis';

const port = parentPort;
if (!port) throw new Error('analysisWorker.js runs as a worker thread only.');

// Loaded on the first request, like the main thread's lazyCore: esbuild maps it to dist/core.js.
let core: Promise<typeof import('./coreModules')> | undefined;

port.on('message', (request: AnalysisRequest) => {
  core ??= import('./coreModules');
  void core.then((modules) => port.postMessage(answer(modules, request)));
});

function answer(modules: typeof import('./coreModules'), request: AnalysisRequest): AnalysisReply {
  try {
    return { id: request.id, analysis: modules.analyzeFile(request.text, request.fileName, request.options) };
  } catch (error) {
    if (error instanceof modules.ParseFailure) {
      const { reason, offset, line, column } = error;
      return { id: request.id, parseFailure: { reason, offset, line, column } };
    }
    return { id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}
