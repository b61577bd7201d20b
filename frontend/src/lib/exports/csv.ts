// CSV export as a spreadsheet in the user's language opens it: for pt-BR the
// separator is ";" and the decimal mark ",", for en "," and "."; UTF-8 with a
// BOM so Excel reads the accents. The file holds only the table (header and
// rows), so Excel, Power BI or pandas read it without skipping lines; the
// title, filters, watermark and source go to a companion "about" file (and to
// the XLSX export's "About" sheet). Each measure column has one number format:
// the same count of decimals on every row, no thousands separator.
// Text that a spreadsheet would read as a formula (=, +, -, @, tab, CR first)
// gets a leading "'" (OWASP's advice against CSV injection); numbers, negative
// ones included, stay numbers. Code columns (NCM, SH4, IBGE municipality,
// country, CNAE) are text: "0201" is written as it is, never as the number 201.
import type { Locale } from '../../api/types';

export interface ExportMeta {
  title: string;
  /** [label, value] pairs: filters, period, watermark, source, generated at. */
  lines: [string, string][];
}

export type Cell = string | number | null;

export interface CSVFormat {
  separator: ',' | ';';
  decimal: '.' | ',';
}

export function csvFormat(locale: Locale): CSVFormat {
  return locale === 'en' ? { separator: ',', decimal: '.' } : { separator: ';', decimal: ',' };
}

/** A text cell that cannot start a formula: "=1+1" is written as "'=1+1". */
export function safeText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** Code columns as text: a number that reached one (it should not) becomes its digits, never a formatted number. */
export function codesAsText(rows: Cell[][], codes: boolean[] = []): Cell[][] {
  if (!codes.some(Boolean)) return rows;
  return rows.map((r) => r.map((v, i) => (codes[i] && typeof v === 'number' ? String(v) : v)));
}

/** At most this many decimals: enough for ratios, short of floating-point noise. */
export const MAX_DECIMALS = 6;

/** Decimals a unit always shows (money with cents, counts with none). */
function unitDecimals(unit: string | undefined): number | undefined {
  if (unit === 'BRL' || unit === 'USD' || unit === 'BRL/person' || unit === 'USD/person') return 2;
  if (unit === 'jobs' || unit === 'count' || unit === 'people') return 0;
  return undefined;
}

function decimalsOf(n: number): number {
  const s = n.toFixed(MAX_DECIMALS).replace(/0+$/, '');
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * One count of decimals per column: the most any of its numbers needs (at
 * most six), and at least what the unit always shows. Columns without
 * numbers get undefined.
 */
export function columnDecimals(rows: Cell[][], width: number, units: (string | undefined)[] = []): (number | undefined)[] {
  const out: (number | undefined)[] = new Array(width).fill(undefined);
  for (const r of rows) {
    r.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      out[i] = Math.max(out[i] ?? 0, decimalsOf(v));
    });
  }
  return out.map((d, i) => {
    if (d === undefined) return undefined;
    const u = unitDecimals(units[i]);
    return Math.min(MAX_DECIMALS, u === undefined ? d : Math.max(d, u));
  });
}

function quote(s: string, f: CSVFormat): string {
  const needs = s.includes(f.separator) || /["\n\r]/.test(s) || /^\s|\s$/.test(s);
  return needs ? `"${s.replace(/"/g, '""')}"` : s;
}

function cell(v: Cell, decimals: number | undefined, f: CSVFormat): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '';
    const s = v.toFixed(decimals ?? decimalsOf(v));
    // -0,00 reads as a different number to nobody but looks odd.
    const t = /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
    return f.decimal === '.' ? t : t.replace('.', f.decimal);
  }
  return quote(safeText(String(v)), f);
}

function withBOM(out: string[]): string {
  return '\ufeff' + out.join('\r\n') + '\r\n';
}

/** The table alone: a header line, then one line per row. */
export function toCSV(header: string[], cells: Cell[][], opts: { locale: Locale; units?: (string | undefined)[]; codes?: boolean[] }): string {
  const f = csvFormat(opts.locale);
  const rows = codesAsText(cells, opts.codes);
  const dec = columnDecimals(rows, header.length, opts.units);
  const out = [header.map((h) => quote(safeText(h), f)).join(f.separator)];
  for (const r of rows) out.push(r.map((v, i) => cell(v, dec[i], f)).join(f.separator));
  return withBOM(out);
}

/** The companion file: the title, then one "label;value" line per piece of metadata. */
export function toAboutCSV(meta: ExportMeta, locale: Locale): string {
  const f = csvFormat(locale);
  const flat = (s: string) => quote(safeText(s.replace(/[\r\n]+/g, ' ')), f);
  const out = [flat(meta.title), ...meta.lines.map(([k, v]) => `${flat(k)}${f.separator}${flat(v)}`)];
  return withBOM(out);
}
