// XLSX periods: months as real dates, quarters as the locale's text, one
// number format per measure column.
import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { monthSerial, periodColumns, toXLSX } from '../src/lib/exports/xlsx';

const meta = { title: 'Série', lines: [] as [string, string][] };
const sheets = (bytes: Uint8Array) => {
  const f = unzipSync(bytes);
  return { data: strFromU8(f['xl/worksheets/sheet1.xml']), styles: strFromU8(f['xl/styles.xml']) };
};

describe('XLSX periods', () => {
  it('Excel serials of months are the first day of the month', () => {
    expect(monthSerial('1900-03')).toBe(61); // 1 March 1900 (after Excel's phantom 29 Feb)
    expect(monthSerial('2024-01')).toBe(45292); // =DATE(2024;1;1)
    expect(monthSerial('2024-02')).toBe(45323);
  });

  it('writes months as dates with a month format, never as text', () => {
    const { data, styles } = sheets(toXLSX(meta, ['Mês', 'Valor'], [['2024-01', 10], ['2024-02', 12.5]], { data: 'Dados', about: 'Sobre' }, [undefined, 'BRL']));
    const monthFmt = /<numFmt numFmtId="(\d+)" formatCode="mmm yyyy"\/>/.exec(styles);
    expect(monthFmt).not.toBeNull();
    // The month style is the last cellXfs entry, pointing at that format.
    const xfs = [...styles.matchAll(/<xf [^>]*\/>/g)].map((m) => m[0]).slice(1); // skip cellStyleXfs
    const monthStyle = xfs.findIndex((x) => x.includes(`numFmtId="${monthFmt![1]}"`));
    expect(monthStyle).toBeGreaterThan(0);
    expect(data).toContain(`<c r="A2" s="${monthStyle}"><v>45292</v></c>`);
    expect(data).toContain(`<c r="A3" s="${monthStyle}"><v>45323</v></c>`);
    expect(data).not.toContain('2024-01');
    // One number format for the measure: both values with the BRL's two decimals.
    const b2 = /<c r="B2" s="(\d+)">/.exec(data)![1];
    expect(/<c r="B3" s="(\d+)">/.exec(data)![1]).toBe(b2);
  });

  it('writes quarters as "1º tri. 2024" in pt-BR and "Q1 2024" in en', () => {
    const rows = [['2024-Q1', 1], ['2024-Q4', 2]];
    expect(sheets(toXLSX(meta, ['Tri', 'V'], rows, { data: 'D', about: 'S' })).data).toContain('<t xml:space="preserve">1º tri. 2024</t>');
    expect(sheets(toXLSX(meta, ['Tri', 'V'], rows, { data: 'D', about: 'S' }, undefined, undefined, 'en')).data).toContain('<t xml:space="preserve">Q4 2024</t>');
  });

  it('leaves mixed columns, code columns and years alone', () => {
    expect(periodColumns([['2024-01', '2024'], ['x', '2023']], 2)).toEqual([undefined, undefined]);
    expect(periodColumns([['2024-01'], ['2024-02']], 1, [true])).toEqual([undefined]);
    expect(periodColumns([['2024-01', '2024-Q2'], [null, '2024-Q3']], 2)).toEqual(['month', 'quarter']);
  });
});
