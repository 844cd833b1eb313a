import { IncrementalParser } from './incrementalParse';

/**
 * One `IncrementalParser` per document an editor analyses, for the `limit` documents used most recently:
 * each keeps its document's last syntax tree, so the number kept bounds the memory held between edits.
 */
export class DocumentParses {
  private readonly parsers = new Map<string, IncrementalParser>();

  constructor(private readonly limit: number) {}

  /** The document's parser; a new one when the document is new or is now analysed under another file name. */
  parserFor(document: string, fileName: string): IncrementalParser {
    let parser = this.parsers.get(document);
    this.parsers.delete(document);
    if (parser?.fileName !== fileName) parser = new IncrementalParser(fileName);
    this.parsers.set(document, parser);
    for (const oldest of this.parsers.keys()) {
      if (this.parsers.size <= this.limit) break;
      this.parsers.delete(oldest);
    }
    return parser;
  }

  forget(document: string): void {
    this.parsers.delete(document);
  }

  get size(): number {
    return this.parsers.size;
  }
}
