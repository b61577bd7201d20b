// From a query's answer to what the chart and the table show.
import type { Column, DatasetInfo, Locale, QueryAnswer, QuerySpec, Row } from '../api/types';
import { formatPeriod, formatValue, pickText } from './format';
import { splitMeasure } from './spec';

const TIME_TYPES = ['month', 'quarter', 'year'];

export interface Labels {
  transform: (t: string) => string;
  perCapita: string;
  real: (base: string) => string;
  name: string;
}

/** A column's header, in the user's language. */
export function columnTitle(col: Column, ds: DatasetInfo | undefined, locale: Locale, labels: Labels, spec?: QuerySpec): string {
  if (col.kind === 'measure') {
    const { id, transform } = splitMeasure(col.name);
    const m = ds?.measures.find((x) => x.id === id);
    let title = m ? pickText(m.title, locale, id) : col.name;
    if (transform) title += ` — ${labels.transform(transform)}`;
    if (spec?.per_capita && m) title += ` ${labels.perCapita}`;
    if (spec?.real && m?.real) title += ` ${labels.real(spec.real.base)}`;
    return title;
  }
  if (col.kind === 'label') {
    const dim = ds?.dimensions.find((d) => d.label === col.name);
    return dim ? `${pickText(dim.title, locale, dim.id)} (${labels.name})` : col.name;
  }
  const dim = ds?.dimensions.find((d) => d.id === col.name);
  return dim ? pickText(dim.title, locale, dim.id) : col.name;
}

/** A cell for people: periods by locale, numbers by unit. */
export function cellText(v: Row[string], col: Column, locale: Locale): string {
  if (col.kind === 'measure') return formatValue(v, col.unit, locale);
  if (v === null || v === undefined) return '—';
  if (TIME_TYPES.includes(col.type) || TIME_TYPES.includes(col.name)) return formatPeriod(String(v), locale);
  return String(v);
}

export interface SeriesModel {
  name: string;
  measure: string;
  unit?: string;
  data: (number | null)[];
}

export interface ChartModel {
  /** The dimension on the x axis, or '' when the answer has none. */
  x: string;
  xTitle: string;
  categories: string[];
  /** Raw keys of the categories, in order. */
  keys: string[];
  series: SeriesModel[];
  truncated: boolean;
  units: string[];
}

export const MAX_SERIES = 24;

function labelFor(row: Row, dim: string, ds: DatasetInfo | undefined, columns: Column[]): string {
  const labelCol = ds?.dimensions.find((d) => d.id === dim)?.label;
  const v = row[dim];
  if (labelCol && columns.some((c) => c.name === labelCol) && row[labelCol] != null) return `${row[labelCol]}`;
  return v == null ? '—' : String(v);
}

/** Lays an answer out as categories on x and one series per measure and combination of the other dimensions. */
export function chartModel(answer: Pick<QueryAnswer, 'data' | 'columns'>, ds: DatasetInfo | undefined, locale: Locale, labels: Labels, spec?: QuerySpec): ChartModel {
  const dims = answer.columns.filter((c) => c.kind === 'dimension');
  const measures = answer.columns.filter((c) => c.kind === 'measure');
  const xCol = dims.find((c) => TIME_TYPES.includes(c.type) || TIME_TYPES.includes(c.name)) ?? dims[0];
  const splitCols = dims.filter((c) => c !== xCol);
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const categories: string[] = [];
  for (const row of answer.data) {
    const k = xCol ? String(row[xCol.name] ?? '') : '';
    if (!keyIndex.has(k)) {
      keyIndex.set(k, keys.length);
      keys.push(k);
      categories.push(xCol ? (TIME_TYPES.includes(xCol.type) || TIME_TYPES.includes(xCol.name) ? formatPeriod(k, locale) : labelFor(row, xCol.name, ds, answer.columns)) : '');
    }
  }
  // Time runs left to right whatever the order of the rows.
  if (xCol && (TIME_TYPES.includes(xCol.type) || TIME_TYPES.includes(xCol.name))) {
    const order = keys.map((k, i) => [k, i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const newKeys = order.map(([k]) => k);
    const newCats = order.map(([, i]) => categories[i]);
    keys.splice(0, keys.length, ...newKeys);
    categories.splice(0, categories.length, ...newCats);
    keyIndex.clear();
    keys.forEach((k, i) => keyIndex.set(k, i));
  }
  const seriesMap = new Map<string, SeriesModel>();
  let truncated = false;
  for (const row of answer.data) {
    const split = splitCols.map((c) => labelFor(row, c.name, ds, answer.columns)).join(' · ');
    const xi = keyIndex.get(xCol ? String(row[xCol.name] ?? '') : '') ?? 0;
    for (const m of measures) {
      const mTitle = columnTitle(m, ds, locale, labels, spec);
      const name = split ? (measures.length > 1 ? `${split} — ${mTitle}` : split) : mTitle;
      let s = seriesMap.get(name);
      if (!s) {
        if (seriesMap.size >= MAX_SERIES) {
          truncated = true;
          continue;
        }
        s = { name, measure: m.name, unit: m.unit, data: new Array(keys.length).fill(null) };
        seriesMap.set(name, s);
      }
      const v = row[m.name];
      s.data[xi] = v === null || v === undefined ? null : Number(v);
    }
  }
  return {
    x: xCol?.name ?? '',
    xTitle: xCol ? columnTitle(xCol, ds, locale, labels) : '',
    categories,
    keys,
    series: [...seriesMap.values()],
    truncated,
    units: [...new Set(measures.map((m) => m.unit ?? ''))],
  };
}

/** Rows as plain arrays of strings (for CSV) or typed cells (for XLSX). */
/** Catalog dimension types whose values are codes (NCM, SH4, country, CNAE; the IBGE municipality code): text with leading zeros, never numbers. */
export const CODE_TYPES = new Set(['code', 'municipio']);

/** For each answer column, whether it holds codes (a dimension of a code type in the dataset's catalog). */
export function codeColumns(columns: Column[], ds: DatasetInfo | undefined): boolean[] {
  return columns.map((c) => c.kind === 'dimension' && CODE_TYPES.has(ds?.dimensions.find((d) => d.id === c.name)?.type ?? ''));
}

export function tableMatrix(answer: Pick<QueryAnswer, 'data' | 'columns'>, ds: DatasetInfo | undefined, locale: Locale, labels: Labels, spec?: QuerySpec) {
  const header = answer.columns.map((c) => columnTitle(c, ds, locale, labels, spec));
  const rows = answer.data.map((r) => answer.columns.map((c) => (c.kind === 'measure' ? (r[c.name] == null ? null : Number(r[c.name])) : r[c.name] == null ? '' : String(r[c.name]))));
  return { header, rows };
}

export type SortDir = 'ascending' | 'descending';

/** Row indexes of an answer ordered by one column: numbers as numbers, text by locale with digits as numbers, nulls last. */
export function sortedIndexes(rows: Row[], col: Column, dir: SortDir, locale: Locale): number[] {
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  const sign = dir === 'ascending' ? 1 : -1;
  const idx = rows.map((_, i) => i);
  return idx.sort((a, b) => {
    const x = rows[a][col.name];
    const y = rows[b][col.name];
    if (x == null || y == null) return x == null && y == null ? a - b : x == null ? 1 : -1;
    const c = col.kind === 'measure' ? Number(x) - Number(y) : collator.compare(String(x), String(y));
    return c === 0 ? a - b : sign * c;
  });
}

/**
 * The row cap that cut an answer, or null when it is whole: the server's
 * meta.truncated when it says, else inferred from an answer exactly as long as
 * the spec's limit or the dataset's max_rows (with no further page to follow).
 */
export function truncatedAt(answer: Pick<QueryAnswer, 'data' | 'meta' | 'next_cursor'>, spec?: QuerySpec, ds?: DatasetInfo): number | null {
  const n = answer.data.length;
  const cap = spec?.limit && spec.limit === n ? spec.limit : ds && ds.limits.max_rows === n ? ds.limits.max_rows : null;
  if (typeof answer.meta?.truncated === 'boolean') return answer.meta.truncated ? (cap ?? n) : null;
  return answer.next_cursor ? null : cap;
}
