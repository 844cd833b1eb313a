import assert from 'node:assert/strict';
import { DocumentParses } from '../../src/core/documentParses';

describe('DocumentParses', () => {
  it('keeps one parser per document, so a document edited again reuses its tree', () => {
    const parses = new DocumentParses(2);
    const first = parses.parserFor('file:///a.ts', '/a.ts');
    first.parse('const a = 1;\nfunction f() {\n  return 1;\n}\n');
    const again = parses.parserFor('file:///a.ts', '/a.ts');
    assert.equal(again, first);
    again.parse('const a = 1;\nfunction f() {\n  return 12;\n}\n');
    assert.equal(again.lastKind, 'statement');
  });

  it('keeps only the most recently used documents', () => {
    const parses = new DocumentParses(2);
    const a = parses.parserFor('a', 'a.ts');
    const b = parses.parserFor('b', 'b.ts');
    parses.parserFor('a', 'a.ts');
    parses.parserFor('c', 'c.ts');
    assert.equal(parses.size, 2);
    assert.equal(parses.parserFor('a', 'a.ts'), a, 'a was used after b, so b went');
    assert.notEqual(parses.parserFor('b', 'b.ts'), b, 'b was dropped, so it starts over');
    assert.equal(parses.size, 2);
  });

  it('starts over when a document is analysed under another file name, and drops a closed one', () => {
    const parses = new DocumentParses(4);
    const asTs = parses.parserFor('untitled:1', 'Untitled-1.ts');
    const asJs = parses.parserFor('untitled:1', 'Untitled-1.js');
    assert.notEqual(asJs, asTs);
    assert.equal(asJs.fileName, 'Untitled-1.js');
    parses.forget('untitled:1');
    assert.equal(parses.size, 0);
    assert.notEqual(parses.parserFor('untitled:1', 'Untitled-1.js'), asJs);
  });
});
