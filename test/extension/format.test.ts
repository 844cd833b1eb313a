import * as assert from 'node:assert/strict';
import { codeBlock, escapeMarkdown, formatAge, formatLiveAge, formatShare } from '../../src/extension/format';

describe('Wording helpers', () => {
  it('writes ages the way people read them', () => {
    const cases: Array<[number, string]> = [
      [850, '850 ms'],
      [42_400, '42 s'],
      [60_000, '1 min'],
      [185_000, '3 min 5 s'],
      [3_600_000, '1 h'],
      [8_040_000, '2 h 14 min'],
      [-1, 'unknown'],
    ];
    for (const [ms, text] of cases) assert.equal(formatAge(ms), text, `${ms} ms`);
  });

  it('writes ages in the live Pools view to the second under a minute, then to the minute, so a row past its first minute changes at most once a minute', () => {
    const cases: Array<[number, string]> = [
      [850, '850 ms'],
      [59_999, '59 s'],
      [60_000, '1 min'],
      [185_000, '3 min'],
      [239_999, '3 min'],
      [8_099_000, '2 h 14 min'],
      [Number.NaN, 'unknown'],
    ];
    for (const [ms, text] of cases) assert.equal(formatLiveAge(ms), text, `${ms} ms`);
  });

  it('writes shares as whole percentages, "<1%" for a few sessions, and a dash without a budget', () => {
    assert.equal(formatShare(3, 97), '3%');
    assert.equal(formatShare(1, 500), '<1%');
    assert.equal(formatShare(0, 97), '0%');
    assert.equal(formatShare(5, 0), '—');
  });

  it('fences code with more backticks than it contains', () => {
    assert.equal(codeBlock('SELECT 1'), '```sql\nSELECT 1\n```');
    assert.equal(codeBlock("SELECT '````'"), "`````sql\nSELECT '````'\n`````");
  });

  it('escapes what Markdown would format, and leaves sentences readable', () => {
    assert.equal(escapeMarkdown('a|b *c* [x](y) <insufficient privilege>'), 'a\\|b \\*c\\* \\[x\\](y) \\<insufficient privilege\\>');
    assert.equal(escapeMarkdown('Cannot connect to db:5432 (refused).'), 'Cannot connect to db:5432 (refused).');
  });
});
