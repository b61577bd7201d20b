// Charts you can talk to: drill-down along the catalog's hierarchies
// (DimensionInfo.rollup names the coarser dimension a finer one rolls up to)
// and cross-filtering between the panels of a dashboard. Pure functions over
// query specs; the screens keep the breadcrumb and the chip.
import type { DatasetInfo, DimensionInfo, Filter, Grain, QuerySpec } from '../api/types';
import { isMonth, isYear, normaliseSpec } from './spec';

const TIME_TYPES = ['month', 'quarter', 'year'];
const QUARTER_RE = /^(\d{4})-Q([1-4])$/;

export const isTimeDim = (d?: DimensionInfo) => !!d && TIME_TYPES.includes(d.type);

/** The dimension of ds that rolls up to dim (one level finer), if the catalog has one. */
export function finerOf(dim: string, ds: DatasetInfo | undefined): DimensionInfo | undefined {
  return ds?.dimensions.find((d) => d.rollup === dim && d.id !== dim);
}

/** The months (YYYY-MM, inclusive) a time value (YYYY, YYYY-Qn or YYYY-MM) covers, or null for any other shape. */
export function periodMonths(value: string): { from: string; to: string } | null {
  if (isYear(value)) return { from: `${value}-01`, to: `${value}-12` };
  const q = QUARTER_RE.exec(value);
  if (q) {
    const first = (Number(q[2]) - 1) * 3 + 1;
    return { from: `${q[1]}-${String(first).padStart(2, '0')}`, to: `${q[1]}-${String(first + 2).padStart(2, '0')}` };
  }
  if (isMonth(value)) return { from: value, to: value };
  return null;
}

const monthFrom = (v?: string) => (v && isYear(v) ? `${v}-01` : v);
const monthTo = (v?: string) => (v && isYear(v) ? `${v}-12` : v);

/** The dimensions the spec groups by, with the time grain folded in as the server does. */
function grouped(spec: QuerySpec): string[] {
  const dims = [...(spec.dimensions ?? [])];
  if (spec.time?.grain && !dims.includes(spec.time.grain)) dims.push(spec.time.grain);
  return dims;
}

/** Whether a chart grouped by dim can go one level down (the catalog has a finer dimension not grouped by already). */
export function canDrill(spec: QuerySpec, ds: DatasetInfo | undefined, dim: string): boolean {
  const finer = finerOf(dim, ds);
  const d = ds?.dimensions.find((x) => x.id === dim);
  if (!finer || !d || !grouped(spec).includes(dim) || grouped(spec).includes(finer.id)) return false;
  return isTimeDim(d) ? isTimeDim(finer) : d.operators.includes('eq');
}

/**
 * One level down from the clicked value of dim: the value becomes a filter
 * (an `eq` filter, or for time the range of months it covers, within the
 * spec's own range) and dim is replaced by the finer dimension wherever the
 * spec names it (dimensions, grain, order). Null when dim cannot drill.
 */
export function drillDown(spec: QuerySpec, ds: DatasetInfo | undefined, dim: string, value: string): QuerySpec | null {
  if (!canDrill(spec, ds, dim)) return null;
  const d = ds!.dimensions.find((x) => x.id === dim)!;
  const finer = finerOf(dim, ds)!;
  const out: QuerySpec = { ...spec, filters: [...(spec.filters ?? [])] };
  if (isTimeDim(d)) {
    const r = periodMonths(value);
    if (!r) return null;
    const from = monthFrom(spec.time?.from);
    const to = monthTo(spec.time?.to);
    out.time = { ...spec.time, from: from && from > r.from ? from : r.from, to: to && to < r.to ? to : r.to };
  } else {
    out.filters = [...out.filters!.filter((f) => f.field !== dim), { field: dim, op: 'eq', value }];
  }
  if (spec.time?.grain === dim) out.time = { ...out.time, grain: finer.id as Grain };
  if (spec.dimensions?.includes(dim)) out.dimensions = spec.dimensions.map((x) => (x === dim ? finer.id : x));
  if (spec.order) out.order = spec.order.map((o) => (o.field === dim ? { ...o, field: finer.id } : o));
  return normaliseSpec(out);
}

/** One step of a drill-down: the spec before it and what was clicked. */
export interface DrillStep {
  spec: QuerySpec;
  dim: string;
  value: string;
  label: string;
}

/** A breadcrumb's trail after going back to step i (0 = the top): the steps before it, and the spec to show. */
export function drillBack(trail: DrillStep[], i: number): { trail: DrillStep[]; spec: QuerySpec } | null {
  if (i < 0 || i >= trail.length) return null;
  return { trail: trail.slice(0, i), spec: trail[i].spec };
}

/** A click on a category of one dashboard panel, offered to the others as a filter. */
export interface CrossFilter {
  field: string;
  value: string;
  label: string;
  /** The panel clicked (index on the dashboard): it is not filtered by its own click. */
  source: number;
}

/** The cross-filter as a filter for a panel over ds, or null when it is that panel's own click or ds cannot take it. */
export function crossFilterFor(cf: CrossFilter | null, panel: number, ds: DatasetInfo | undefined): Filter | null {
  if (!cf || cf.source === panel) return null;
  const dim = ds?.dimensions.find((d) => d.id === cf.field);
  if (!dim || isTimeDim(dim) || !dim.operators.includes('eq')) return null;
  return { field: cf.field, op: 'eq', value: cf.value };
}

/** A spec with one more filter, replacing any filter of the spec on the same field. */
export function withFilter(spec: QuerySpec, f: Filter | null): QuerySpec {
  if (!f) return spec;
  return normaliseSpec({ ...spec, filters: [...(spec.filters ?? []).filter((x) => x.field !== f.field), f] });
}
