// A small XLSX (Office Open XML) writer: a data sheet with typed cells and an
// "about" sheet with the title, filters, watermark and source. Inline strings,
// no shared-strings table; zipped with fflate. Loaded lazily with the exports.
// Each number column gets one number format (thousands grouped, the same
// decimals on every row), which Excel shows with the reader's own separators.
// Text cells cannot start a formula (see safeText); code columns are text
// cells with the "@" (text) format, so "0201" keeps its leading zero.
// Period columns are real periods: months are dates (the first of the month,
// shown as "mmm yyyy"), quarters the locale's text ("1º tri. 2024").
import { strToU8, zipSync } from 'fflate';
import type { Locale } from '../../api/types';
import { formatPeriod } from '../format';
import { codesAsText, columnDecimals, MAX_DECIMALS, safeText, type Cell, type ExportMeta } from './csv';

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Control characters are not allowed in XML 1.0.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

function colName(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Style indexes in styles.xml: 0 plain, 1 bold, 2 + d a number with d decimals, then text ("@"). */
const numberStyle = (d: number) => 2 + d;
const TEXT_STYLE = 2 + MAX_DECIMALS + 1;
const MONTH_STYLE = TEXT_STYLE + 1;
const MONTH_FMT = 164 + MAX_DECIMALS + 1;
const numFmts = [
  ...Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => `<numFmt numFmtId="${164 + d}" formatCode="#,##0${d ? '.' + '0'.repeat(d) : ''}"/>`),
  `<numFmt numFmtId="${MONTH_FMT}" formatCode="mmm yyyy"/>`,
];
const numXfs = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => `<xf numFmtId="${164 + d}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`);

const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER_KEY = /^\d{4}-Q[1-4]$/;

/** Excel's serial day number (1900 date system) of the first day of a YYYY-MM month. */
export function monthSerial(key: string): number {
  const m = MONTH_KEY.exec(key)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) / 86_400_000 + 25_569;
}

/** Per column: 'month' or 'quarter' when every value of it is such a period key (codes are never periods). */
export function periodColumns(rows: Cell[][], width: number, codes: boolean[] = []): ('month' | 'quarter' | undefined)[] {
  return Array.from({ length: width }, (_, i) => {
    if (codes[i]) return undefined;
    const vals = rows.map((r) => r[i]).filter((v) => v !== null && v !== undefined && v !== '');
    if (!vals.length || vals.some((v) => typeof v !== 'string')) return undefined;
    if (vals.every((v) => MONTH_KEY.test(v as string))) return 'month';
    if (vals.every((v) => QUARTER_KEY.test(v as string))) return 'quarter';
    return undefined;
  });
}

/** Months become date serials, quarters the locale's text; every other cell is left as it was. */
function withPeriods(rows: Cell[][], kinds: ('month' | 'quarter' | undefined)[], locale: Locale): Cell[][] {
  if (!kinds.some(Boolean)) return rows;
  return rows.map((r) =>
    r.map((v, i) => {
      if (typeof v !== 'string' || !v) return v;
      if (kinds[i] === 'month') return monthSerial(v);
      if (kinds[i] === 'quarter') return formatPeriod(v, locale);
      return v;
    }),
  );
}

function sheetXML(rows: Cell[][], boldRows: Set<number>, widths: number[], decimals: (number | undefined)[] = [], codes: boolean[] = [], months: boolean[] = []): string {
  const body = rows
    .map((r, ri) => {
      const cells = r
        .map((v, ci) => {
          const ref = `${colName(ci)}${ri + 1}`;
          const style = boldRows.has(ri) ? ' s="1"' : '';
          if (v === null || v === undefined || v === '') return '';
          if (typeof v === 'number' && Number.isFinite(v)) {
            const d = decimals[ci];
            const numStyle = boldRows.has(ri) ? style : months[ci] ? ` s="${MONTH_STYLE}"` : d === undefined ? style : ` s="${numberStyle(d)}"`;
            return `<c r="${ref}"${numStyle}><v>${v}</v></c>`;
          }
          const textStyle = !boldRows.has(ri) && codes[ci] ? ` s="${TEXT_STYLE}"` : style;
          return `<c r="${ref}" t="inlineStr"${textStyle}><is><t xml:space="preserve">${esc(safeText(String(v)))}</t></is></c>`;
        })
        .join('');
      return `<row r="${ri + 1}">${cells}</row>`;
    })
    .join('');
  const cols = widths.length ? `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` : '';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${cols}<sheetData>${body}</sheetData></worksheet>`;
}

function widthsOf(rows: Cell[][]): number[] {
  const w: number[] = [];
  for (const r of rows) r.forEach((v, i) => (w[i] = Math.min(60, Math.max(w[i] ?? 8, String(v ?? '').length + 2))));
  return w;
}

/** Sheet names: at most 31 characters, none of []:*?/\ */
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet';

export function toXLSX(
  meta: ExportMeta,
  header: string[],
  cells: Cell[][],
  names: { data: string; about: string },
  units?: (string | undefined)[],
  codes?: boolean[],
  locale: Locale = 'pt-BR',
): Uint8Array {
  const text = codesAsText(cells, codes);
  const decimals = columnDecimals(text, header.length, units);
  const periods = periodColumns(text, header.length, codes);
  const rows = withPeriods(text, periods, locale);
  const data: Cell[][] = [header, ...rows];
  const widthOf = widthsOf([header, ...text]);
  const about: Cell[][] = [[meta.title], ...meta.lines.map(([k, v]) => [k, v] as Cell[])];
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        '</Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        '</Relationships>',
    ),
    'docProps/core.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        `<dc:title>${esc(meta.title)}</dc:title><dc:creator>Mirante</dc:creator>` +
        '</cp:coreProperties>',
    ),
    'xl/workbook.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
        `<sheet name="${esc(sheetName(names.data))}" sheetId="1" r:id="rId1"/>` +
        `<sheet name="${esc(sheetName(names.about))}" sheetId="2" r:id="rId2"/>` +
        '</sheets></workbook>',
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>' +
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
        '</Relationships>',
    ),
    'xl/styles.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
        `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>` +
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        `<cellXfs count="${4 + numXfs.length}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>${numXfs.join('')}<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="${MONTH_FMT}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
        '</styleSheet>',
    ),
    'xl/worksheets/sheet1.xml': strToU8(sheetXML(data, new Set([0]), widthOf, decimals, codes, periods.map((p) => p === 'month'))),
    'xl/worksheets/sheet2.xml': strToU8(sheetXML(about, new Set([0]), [28, 80])),
  };
  return zipSync(files, { level: 6 });
}
