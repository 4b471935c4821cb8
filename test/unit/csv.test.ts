import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../api/csv.ts';

/** Reads one cell back as a spreadsheet would: unquoted, doubled quotes undone. */
const unquote = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell);

describe('the CSV writer', () => {
  it('neutralises every cell a spreadsheet would run as a formula', () => {
    for (const attack of ['=HYPERLINK("http://evil","click")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\r=1']) {
      for (const quote of ['always', 'needed'] as const) {
        const cell = unquote(csvCell(attack, quote));
        expect(cell.startsWith("'"), `${JSON.stringify(attack)} ${quote}`).toBe(true);
        expect(cell.slice(1)).toBe(attack);
      }
    }
  });

  it('keeps any text as one cell that reads back to itself (apostrophe aside) and never starts a formula', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.constantFrom('always', 'needed'),
        (text, quote) => {
          const cell = csvCell(text, quote as 'always' | 'needed');
          const read = unquote(cell);
          expect(/^[=+\-@\t\r]/.test(read)).toBe(false);
          expect(read === text || read === `'${text}`).toBe(true);
          if (/[",\r\n]/.test(text)) expect(cell.startsWith('"')).toBe(true);
        },
      ),
    );
  });

  it('writes rows with CRLF line ends, the header as given, and a BOM when asked', () => {
    expect(toCsv(['a', 'b'], [[1, '=x']], { bom: true, quote: 'needed' })).toBe("\uFEFFa,b\r\n1,'=x\r\n");
    expect(toCsv(['a'], [[null], ['q"q']])).toBe('a\r\n""\r\n"q""q"\r\n');
  });
});
