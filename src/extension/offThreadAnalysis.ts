import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileAnalysis } from '../core/analyze';
import type { AnalyzeOptions } from '../core/types';

/**
 * Documents at least this long (about 250 lines) are analysed on the worker thread: on a busy machine
 * analysing a longer one on the main thread blocked it for more than 50 ms (bench/RESULTS.md).
 */
export const OFF_THREAD_MIN_LENGTH = 8_000;

export interface AnalysisRequest {
  id: number;
  /** The document's URI: the worker parses it incrementally against its last version (`DocumentParses`). */
  document: string;
  text: string;
  fileName: string;
  options: AnalyzeOptions;
}

/** The document was closed: the worker drops the syntax tree it keeps for it. */
export interface ForgetRequest {
  forget: string;
}

export type AnalysisReply =
  | { id: number; analysis: FileAnalysis }
  | { id: number; parseFailure: { reason: string; offset: number; line: number; column: number } }
  | { id: number; error: string };

/** The document does not parse (the worker's `ParseFailure`, as plain data). */
export class OffThreadParseFailure extends Error {
  constructor(readonly detail: { reason: string; offset: number; line: number; column: number }) {
    super(detail.reason);
    this.name = 'OffThreadParseFailure';
  }
}

/**
 * One worker thread (dist/analysisWorker.js) that runs the analyzer for large documents, started on
 * first use. `analyze` rejects with `OffThreadParseFailure` when the text does not parse; when the
 * worker cannot run at all it rejects with `WorkerUnavailable`, and the caller analyses in place.
 */
export class OffThreadAnalyzer {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (analysis: FileAnalysis) => void; reject: (error: Error) => void }>();
  private broken: Error | undefined;

  constructor(private readonly script = path.join(__dirname, 'analysisWorker.js')) {}

  get available(): boolean {
    return this.broken === undefined;
  }

  analyze(document: string, text: string, fileName: string, options: AnalyzeOptions): Promise<FileAnalysis> {
    if (this.broken) return Promise.reject(new WorkerUnavailable(this.broken.message));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<FileAnalysis>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, document, text, fileName, options } satisfies AnalysisRequest);
    });
  }

  /** Lets the worker drop what it keeps for a closed document; nothing to do when it never started. */
  forget(document: string): void {
    this.worker?.postMessage({ forget: document } satisfies ForgetRequest);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.failAll(new WorkerUnavailable('the analysis worker was stopped'));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    // An idle worker must not keep the extension host alive on shutdown.
    worker.unref();
    worker.on('message', (reply: AnalysisReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new Error(`the analysis worker exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private settle(reply: AnalysisReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('analysis' in reply) waiting.resolve(reply.analysis);
    else if ('parseFailure' in reply) waiting.reject(new OffThreadParseFailure(reply.parseFailure));
    else waiting.reject(new Error(reply.error));
  }

  private fail(error: Error): void {
    this.broken = error;
    this.worker = undefined;
    this.failAll(new WorkerUnavailable(error.message));
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/** The worker could not start or died; the document should be analysed on the calling thread. */
export class WorkerUnavailable extends Error {
  override readonly name = 'WorkerUnavailable';
}
