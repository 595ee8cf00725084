import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/http/admin/csv.ts';

describe('CSV export cells', () => {
  it('when a value starts like a spreadsheet formula, then it is prefixed so the spreadsheet shows it as text', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+49 30 1234')).toBe("'+49 30 1234");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('when a value is a negative number, then it stays a number', () => {
    expect(csvCell(-10)).toBe('-10');
    expect(csvCell('-2.5')).toBe('-2.5');
  });

  it('when values hold commas, quotes or line breaks, then they are quoted and rows end in CRLF', () => {
    expect(toCsv(['a', 'b'], [['Müller, Anna', 'say "hi"\nbye'], [null, 3]])).toBe('a,b\r\n"Müller, Anna","say ""hi""\nbye"\r\n,3\r\n');
  });
});
