import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvCell, csvDocument } from '../../src/personal-data/csv.js';

describe('CSV cells', () => {
  test('plain text and numbers are written as they are; a negative number stays a number', () => {
    assert.equal(csvCell('Bananas raw'), 'Bananas raw');
    assert.equal(csvCell(118), '118');
    assert.equal(csvCell(-2.5), '-2.5');
    assert.equal(csvCell(0), '0');
    assert.equal(csvCell(Number.NaN), '');
    assert.equal(csvCell(undefined), '');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(''), '');
  });

  test('commas, quotes and line breaks are quoted, quotes doubled (RFC 4180 section 2)', () => {
    assert.equal(csvCell('Bananas, raw'), '"Bananas, raw"');
    assert.equal(csvCell('1 medium (7" long)'), '"1 medium (7"" long)"');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell('cr\rhere'), '"cr\rhere"');
  });

  test('text a spreadsheet would run as a formula starts with an apostrophe (OWASP CSV injection)', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) assert.equal(csvCell(`${start}SUM(A1)`).replace(/^"/, '').startsWith(`'${start}`), true, JSON.stringify(start));
    assert.equal(csvCell('=HYPERLINK("http://evil.example","x")'), '"\'=HYPERLINK(""http://evil.example"",""x"")"');
    assert.equal(csvCell('a=b'), 'a=b', 'only a leading sign is a formula');
  });

  test('a document is a header and rows, each line ending in CRLF', () => {
    assert.equal(csvDocument(['a', 'b'], [[1, 'x,y'], [undefined, '-1']]), 'a,b\r\n1,"x,y"\r\n,\'-1\r\n');
  });
});
