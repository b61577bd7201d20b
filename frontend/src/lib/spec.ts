// The builder's state and its URL form. The URL is the single source of truth
// of the explore screen: every change is written to it, so a link reproduces
// the view (org in the path; dataset, spec, chart type and locale in the query).
import type { DatasetInfo, DimensionInfo, Filter, Grain, Op, OrderKey, QuerySpec } from '../api/types';

export type ChartType = 'line' | 'bar' | 'stacked' | 'table';
export const CHART_TYPES: ChartType[] = ['line', 'bar', 'stacked', 'table'];

export interface ExploreState {
  spec: QuerySpec;
  chart: ChartType;
  /** The saved view this state was opened from, if any. */
  viewId?: string;
}

export const LIST_OPS: Op[] = ['in', 'not_in', 'between'];
export const isListOp = (op: Op) => LIST_OPS.includes(op);

const MONTH_RE = /^[12]\d{3}-(0[1-9]|1[0-2])$/;
const YEAR_RE = /^[12]\d{3}$/;
const IDENT_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)?$/;

export const isMonth = (v: string) => MONTH_RE.test(v);
export const isYear = (v: string) => YEAR_RE.test(v);

/** Removes empty and undefined parts so that equal specs serialise equally. */
export function normaliseSpec(spec: QuerySpec): QuerySpec {
  const out: QuerySpec = { dataset: spec.dataset, measures: [...spec.measures] };
  if (spec.dimensions && spec.dimensions.length) out.dimensions = [...spec.dimensions];
  if (spec.filters && spec.filters.length) out.filters = spec.filters.map((f) => ({ ...f, value: Array.isArray(f.value) ? [...f.value] : f.value }));
  if (spec.time) {
    const t: NonNullable<QuerySpec['time']> = {};
    if (spec.time.from) t.from = spec.time.from;
    if (spec.time.to) t.to = spec.time.to;
    if (spec.time.grain) t.grain = spec.time.grain;
    if (Object.keys(t).length) out.time = t;
  }
  if (spec.order && spec.order.length) out.order = spec.order.map((o) => ({ field: o.field, dir: o.dir ?? 'asc' }));
  if (spec.limit && spec.limit > 0) out.limit = spec.limit;
  if (spec.real && spec.real.base) out.real = { base: spec.real.base };
  if (spec.per_capita) out.per_capita = true;
  if (spec.top && spec.top.field && spec.top.n > 0) out.top = { field: spec.top.field, n: spec.top.n };
  return out;
}

/** A stable key of a spec, for caches. */
export function specKey(spec: QuerySpec): string {
  return JSON.stringify(normaliseSpec(spec));
}

function splitList(v: string | null): string[] {
  if (!v) return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => IDENT_RE.test(s));
}

function parseFilters(raw: string | null): Filter[] {
  if (!raw) return [];
  try {
    const arr = JSON.parse(raw) as unknown;
    if (!Array.isArray(arr)) return [];
    const out: Filter[] = [];
    for (const item of arr) {
      if (!Array.isArray(item) || item.length !== 3) continue;
      const [field, op, value] = item as [unknown, unknown, unknown];
      if (typeof field !== 'string' || typeof op !== 'string' || !IDENT_RE.test(field)) continue;
      if (Array.isArray(value)) out.push({ field, op: op as Op, value: value.map(String) });
      else if (typeof value === 'string' || typeof value === 'number') out.push({ field, op: op as Op, value: String(value) });
    }
    return out;
  } catch {
    return [];
  }
}

/** Writes an explore state to URL search params (plus the locale). */
export function stateToParams(state: ExploreState, lang?: string): URLSearchParams {
  const p = new URLSearchParams();
  const s = normaliseSpec(state.spec);
  if (lang) p.set('lang', lang);
  if (state.viewId) p.set('view', state.viewId);
  if (s.dataset) p.set('ds', s.dataset);
  if (s.measures.length) p.set('m', s.measures.join(','));
  if (s.dimensions) p.set('d', s.dimensions.join(','));
  if (s.filters) p.set('f', JSON.stringify(s.filters.map((f) => [f.field, f.op, f.value])));
  if (s.time?.from) p.set('from', s.time.from);
  if (s.time?.to) p.set('to', s.time.to);
  if (s.time?.grain) p.set('g', s.time.grain);
  if (s.order) p.set('o', s.order.map((o) => `${o.field}:${o.dir ?? 'asc'}`).join(','));
  if (s.limit) p.set('n', String(s.limit));
  if (s.real) p.set('real', s.real.base);
  if (s.per_capita) p.set('pc', '1');
  if (s.top) p.set('top', `${s.top.field}:${s.top.n}`);
  p.set('chart', state.chart);
  return p;
}

/** Reads an explore state from URL search params; anything malformed is dropped. */
export function paramsToState(p: URLSearchParams): ExploreState {
  const spec: QuerySpec = { dataset: p.get('ds') ?? '', measures: splitList(p.get('m')) };
  const dims = splitList(p.get('d'));
  if (dims.length) spec.dimensions = dims;
  const filters = parseFilters(p.get('f'));
  if (filters.length) spec.filters = filters;
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const g = p.get('g') ?? '';
  if (from || to || g) {
    spec.time = {};
    if (from && (isMonth(from) || isYear(from))) spec.time.from = from;
    if (to && (isMonth(to) || isYear(to))) spec.time.to = to;
    if (g === 'month' || g === 'quarter' || g === 'year') spec.time.grain = g as Grain;
  }
  const order: OrderKey[] = [];
  for (const part of (p.get('o') ?? '').split(',')) {
    const [field, dir] = part.split(':');
    if (field && IDENT_RE.test(field)) order.push({ field, dir: dir === 'desc' ? 'desc' : 'asc' });
  }
  if (order.length) spec.order = order;
  const n = Number(p.get('n'));
  if (Number.isInteger(n) && n > 0) spec.limit = n;
  const real = p.get('real');
  if (real && isMonth(real)) spec.real = { base: real };
  if (p.get('pc') === '1') spec.per_capita = true;
  const [topField, topN] = (p.get('top') ?? '').split(':');
  if (topField && IDENT_RE.test(topField) && /^\d{1,3}$/.test(topN ?? '') && Number(topN) >= 1 && Number(topN) <= MAX_TOP_N) spec.top = { field: topField, n: Number(topN) };
  const c = p.get('chart') as ChartType | null;
  const state: ExploreState = { spec: normaliseSpec(spec), chart: c && CHART_TYPES.includes(c) ? c : 'line' };
  const view = p.get('view');
  if (view && /^[A-Za-z0-9-]{1,64}$/.test(view)) state.viewId = view;
  return state;
}

/** Splits "vl_fob_usd.yoy_pct" into its measure and transform. */
export function splitMeasure(ref: string): { id: string; transform?: string } {
  const [id, transform] = ref.split('.');
  return transform ? { id, transform } : { id };
}

export function timeDimensionIds(ds: DatasetInfo): string[] {
  return ds.dimensions.filter((d) => d.type === 'month' || d.type === 'quarter' || d.type === 'year').map((d) => d.id);
}

/** The dimensions a spec groups by, with the grain folded in as the server does. */
export function effectiveDimensions(spec: QuerySpec): string[] {
  const dims = [...(spec.dimensions ?? [])];
  const g = spec.time?.grain;
  if (g && !dims.includes(g)) dims.push(g);
  return dims;
}

/** The chart type that suits a spec when none was chosen. */
export function defaultChart(spec: QuerySpec): ChartType {
  return spec.time?.grain || (spec.dimensions ?? []).some((d) => d === 'month' || d === 'quarter' || d === 'year') ? 'line' : 'bar';
}

/** The most a top N may keep (shared/semantic MaxTopN). */
export const MAX_TOP_N = 100;

/** The dimensions whose values the server refuses to sum (catalog "additive": false). */
export function nonAdditiveDimensions(ds?: DatasetInfo): DimensionInfo[] {
  return (ds?.dimensions ?? []).filter((d) => d.additive === false);
}

/** Whether filter f keeps exactly one value (eq, or in with one value): what the server admits for a non-additive dimension. */
export function isSingleValue(f: Filter): boolean {
  if (f.op === 'eq') return typeof f.value === 'string' && f.value !== '';
  if (f.op === 'in') return Array.isArray(f.value) && f.value.length === 1 && f.value[0] !== '';
  return false;
}

/** Non-additive dimensions of ds that spec neither groups by nor filters to one value: the server would refuse it. */
export function unpinnedDimensions(spec: QuerySpec, ds?: DatasetInfo): DimensionInfo[] {
  const grouped = effectiveDimensions(spec);
  return nonAdditiveDimensions(ds).filter((d) => !grouped.includes(d.id) && !(spec.filters ?? []).some((f) => f.field === d.id && isSingleValue(f)));
}

export function hasBRLMeasure(spec: QuerySpec, ds?: DatasetInfo): boolean {
  if (!ds) return false;
  return spec.measures.some((ref) => ds.measures.find((m) => m.id === splitMeasure(ref).id)?.real);
}

export type Problem =
  | { key: 'noDataset' }
  | { key: 'noMeasure' }
  | { key: 'tooManyDimensions'; max: number }
  | { key: 'badTime' }
  | { key: 'timeOrder' }
  | { key: 'spanTooLong'; max: number }
  | { key: 'emptyFilter'; field: string }
  | { key: 'needsTime'; measure: string }
  | { key: 'limitTooHigh'; max: number };

function monthIndex(v: string, end: boolean): number {
  if (isYear(v)) return Number(v) * 12 + (end ? 11 : 0);
  return Number(v.slice(0, 4)) * 12 + Number(v.slice(5, 7)) - 1;
}

/** Problems the server would refuse, found before asking it. */
export function specProblems(spec: QuerySpec, ds?: DatasetInfo): Problem[] {
  const out: Problem[] = [];
  if (!spec.dataset || !ds) return [{ key: 'noDataset' }];
  if (!spec.measures.length) out.push({ key: 'noMeasure' });
  const dims = effectiveDimensions(spec);
  if (dims.length > ds.limits.max_dimensions) out.push({ key: 'tooManyDimensions', max: ds.limits.max_dimensions });
  const { from, to } = spec.time ?? {};
  const okBound = (v?: string) => !v || isMonth(v) || isYear(v);
  if (!okBound(from) || !okBound(to)) out.push({ key: 'badTime' });
  else if (from && to) {
    const span = monthIndex(to, true) - monthIndex(from, false);
    const yearly = ds.time === 'year';
    const months = yearly ? (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + 1 : span + 1;
    if (span < 0) out.push({ key: 'timeOrder' });
    else if (months > ds.limits.max_span_months) out.push({ key: 'spanTooLong', max: ds.limits.max_span_months });
  }
  for (const f of spec.filters ?? []) {
    const empty = Array.isArray(f.value) ? f.value.length === 0 || f.value.some((v) => v === '') : f.value === '';
    if (empty) out.push({ key: 'emptyFilter', field: f.field });
  }
  const hasTime = dims.some((d) => ['month', 'quarter', 'year'].includes(d));
  for (const ref of spec.measures) {
    const { transform } = splitMeasure(ref);
    if ((transform === 'yoy_pct' || transform === 'yoy_diff') && !hasTime) out.push({ key: 'needsTime', measure: ref });
    if (transform === 'rolling_12m' && !dims.includes('month')) out.push({ key: 'needsTime', measure: ref });
  }
  if (spec.limit && spec.limit > ds.limits.max_rows) out.push({ key: 'limitTooHigh', max: ds.limits.max_rows });
  // A non-additive dimension needs one value (or to be grouped by), as a filter left empty does.
  for (const d of unpinnedDimensions(spec, ds)) {
    if (!out.some((p) => p.key === 'emptyFilter' && p.field === d.id)) out.push({ key: 'emptyFilter', field: d.id });
  }
  return out;
}

/** Months before ym (YYYY-MM), as YYYY-MM. */
export function addMonths(ym: string, n: number): string {
  const idx = Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1 + n;
  const y = Math.floor(idx / 12);
  const m = (idx % 12) + 1;
  return `${y}-${String(m).padStart(2, '0')}`;
}
