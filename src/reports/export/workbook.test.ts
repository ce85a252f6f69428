import { describe, expect, it } from 'vitest';
import { readBack, xlsxPart } from './testing';
import { text, TEXT_LEFT, writeWorkbook } from './workbook';

/** The number format of a cell, looked up through its style in styles.xml. */
function numFmtOf(bytes: Uint8Array, address: string): string {
  const sheet = xlsxPart(bytes, 'xl/worksheets/sheet1.xml');
  const style = new RegExp(`<c r="${address}"(?: s="(\\d+)")?`).exec(sheet)?.[1];
  if (style === undefined) return '0';
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xlsxPart(bytes, 'xl/styles.xml'))![1]!.match(/<xf [^>]*/g)!;
  return /numFmtId="(\d+)"/.exec(xfs[Number(style)]!)![1]!;
}

describe('writeWorkbook', () => {
  const rows = [
    [text("=cmd|' /C calc'!A0"), text('@SUM(A1)', TEXT_LEFT()), text('\uFF1D1+1'), text('Ana;=1+1')],
    [text('Asha Rao'), text('+44 20 7946 0000'), { value: -5 }, { value: 0.5 }],
  ];

  it('keeps formula-looking text as text, formatted as Text so editing the cell in Excel does not run it either', async () => {
    const bytes = writeWorkbook('Test', rows, { widths: [10, 10, 10, 10] });
    expect(xlsxPart(bytes, 'xl/worksheets/sheet1.xml')).not.toContain('<f>');
    expect((await readBack(bytes))[0]).toEqual(["=cmd|' /C calc'!A0", '@SUM(A1)', '\uFF1D1+1', 'Ana;=1+1']);
    // 49 is Excel's built-in "@" (Text) format.
    expect(['A1', 'B1', 'C1', 'D1'].map((a) => numFmtOf(bytes, a))).toEqual(['49', '49', '49', '49']);
    expect(numFmtOf(bytes, 'A2')).toBe('0');
  });

  it('writes numbers as numeric cells, negative ones too, and phone numbers as they are', async () => {
    const bytes = writeWorkbook('Test', rows, { widths: [10, 10, 10, 10] });
    expect((await readBack(bytes))[1]).toEqual(['Asha Rao', '+44 20 7946 0000', -5, 0.5]);
    expect(xlsxPart(bytes, 'xl/worksheets/sheet1.xml')).toMatch(/<c r="C2"[^>]*t="n"|<c r="C2"(?![^>]*t=)/);
  });
});
