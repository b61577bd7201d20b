// The dashboard builder's reducer: pure changes to an explore state, aware of
// the dataset's catalog entry (limits, operators, transforms).
import type { DatasetInfo, Filter, Grain, Op, QuerySpec, Transform } from '../api/types';
import { addMonths, defaultChart, effectiveDimensions, isListOp, isMonth, isSingleValue, MAX_TOP_N, nonAdditiveDimensions, normaliseSpec, splitMeasure, timeDimensionIds, type ChartType, type ExploreState } from './spec';

export type BuilderAction =
  | { type: 'setDataset'; dataset: DatasetInfo }
  | { type: 'addMeasure'; id: string }
  | { type: 'removeMeasure'; ref: string }
  | { type: 'setTransform'; ref: string; transform: Transform | '' }
  | { type: 'addDimension'; id: string }
  | { type: 'removeDimension'; id: string }
  | { type: 'addFilter'; field: string }
  | { type: 'setFilterOp'; index: number; op: Op }
  | { type: 'setFilterValue'; index: number; value: string | string[] }
  | { type: 'removeFilter'; index: number }
  | { type: 'setTime'; from?: string; to?: string }
  | { type: 'setGrain'; grain: Grain | '' }
  | { type: 'setOrder'; field: string; dir: 'asc' | 'desc' }
  | { type: 'clearOrder' }
  | { type: 'setLimit'; limit: number | undefined }
  | { type: 'setReal'; base: string | null }
  | { type: 'setPerCapita'; on: boolean }
  | { type: 'setChart'; chart: ChartType }
  | { type: 'setTop'; field: string; n?: number }
  | { type: 'repair' }
  | { type: 'replace'; state: ExploreState };

/**
 * The first spec of a dataset: its first measure over its time grain, for the last two years of data,
 * with each non-additive dimension filtered to one value up front (see pinNonAdditive).
 */
export function initialSpec(ds: DatasetInfo): QuerySpec {
  const spec: QuerySpec = { dataset: ds.id, measures: ds.measures.length ? [ds.measures[0].id] : [] };
  const grain = ds.time as Grain;
  const wm = ds.watermark;
  if (ds.time === 'month' && wm && isMonth(wm)) spec.time = { from: addMonths(wm, -23), to: wm, grain };
  else if (ds.time === 'year' && /^\d{4}$/.test(wm)) spec.time = { from: String(Number(wm) - 9), to: wm, grain };
  else spec.time = { grain };
  return pinNonAdditive(spec, ds);
}

/** Whether dimension id of ds is non-additive and not grouped by in spec: its filter must keep one value. */
export function isRequiredFilter(spec: QuerySpec, ds: DatasetInfo | undefined, field: string): boolean {
  return nonAdditiveDimensions(ds).some((d) => d.id === field) && !effectiveDimensions(spec).includes(field);
}

/**
 * Gives every non-additive dimension that spec does not group by a filter to one value, so the builder never
 * sends a sum the server refuses: a list is cut to its first value, a negative operator becomes "in", and a
 * missing filter is added first, pre-filled with the dimension's first known value (flow: export) or left
 * empty for the user to choose (accounts, metrics). Returns spec itself when nothing changes.
 */
export function pinNonAdditive(spec: QuerySpec, ds?: DatasetInfo): QuerySpec {
  let filters = spec.filters ?? [];
  let changed = false;
  for (const d of nonAdditiveDimensions(ds)) {
    if (effectiveDimensions(spec).includes(d.id)) continue;
    const i = filters.findIndex((f) => f.field === d.id);
    const f = filters[i];
    if (f && (isSingleValue(f) || (f.op === 'eq' && f.value === '') || (f.op === 'in' && Array.isArray(f.value) && f.value.length === 0))) continue;
    let fixed: Filter;
    if (f && f.op === 'in' && Array.isArray(f.value)) fixed = { ...f, value: f.value.slice(0, 1) };
    else fixed = { field: d.id, op: 'in', value: d.values?.length ? [d.values[0]] : [] };
    filters = f ? filters.map((x, j) => (j === i ? fixed : x)) : [fixed, ...filters];
    changed = true;
  }
  return changed ? { ...spec, filters } : spec;
}

/** A top N over a dimension the spec no longer groups by (or over time) is dropped, as the server would refuse it. */
function topStillValid(spec: QuerySpec, ds?: DatasetInfo): QuerySpec {
  if (!spec.top) return spec;
  const timeIds = ds ? timeDimensionIds(ds) : ['month', 'quarter', 'year'];
  const ok = (spec.dimensions ?? []).includes(spec.top.field) && !timeIds.includes(spec.top.field);
  return ok ? spec : { ...spec, top: undefined };
}

/** pinNonAdditive and topStillValid: what a state read from a link or a saved view needs before it runs. */
export function repairSpec(spec: QuerySpec, ds?: DatasetInfo): QuerySpec {
  return topStillValid(pinNonAdditive(spec, ds), ds);
}

function dropOrder(spec: QuerySpec, field: string): QuerySpec {
  if (!spec.order) return spec;
  const order = spec.order.filter((o) => o.field !== field);
  return { ...spec, order: order.length ? order : undefined };
}

function coerceValue(op: Op, value: string | string[]): string | string[] {
  if (op === 'between') {
    const arr = Array.isArray(value) ? value : value ? [value] : [];
    return [arr[0] ?? '', arr[1] ?? ''];
  }
  if (isListOp(op)) return Array.isArray(value) ? value.filter((v) => v !== '') : value ? [value] : [];
  return Array.isArray(value) ? (value[0] ?? '') : value;
}

function realStillValid(spec: QuerySpec, ds?: DatasetInfo): QuerySpec {
  if (!spec.real || !ds) return spec;
  const brl = spec.measures.some((ref) => ds.measures.find((m) => m.id === splitMeasure(ref).id)?.real);
  return brl ? spec : { ...spec, real: undefined };
}

export function builderReducer(state: ExploreState, action: BuilderAction, ds?: DatasetInfo): ExploreState {
  const spec = state.spec;
  const next = (s: QuerySpec, chart = state.chart): ExploreState => ({ ...state, spec: normaliseSpec(s), chart });
  switch (action.type) {
    case 'replace':
      return action.state;
    case 'setDataset': {
      if (action.dataset.id === spec.dataset) return state;
      const s = initialSpec(action.dataset);
      return { spec: normaliseSpec(s), chart: defaultChart(s) };
    }
    case 'addMeasure': {
      if (spec.measures.includes(action.id) || spec.measures.length >= 8) return state;
      return next({ ...spec, measures: [...spec.measures, action.id] });
    }
    case 'removeMeasure': {
      const s = dropOrder({ ...spec, measures: spec.measures.filter((m) => m !== action.ref) }, action.ref);
      return next(realStillValid(s, ds));
    }
    case 'setTransform': {
      const idx = spec.measures.indexOf(action.ref);
      if (idx < 0) return state;
      const { id } = splitMeasure(action.ref);
      const ref = action.transform ? `${id}.${action.transform}` : id;
      if (ref !== action.ref && spec.measures.includes(ref)) return state;
      const measures = [...spec.measures];
      measures[idx] = ref;
      const order = spec.order?.map((o) => (o.field === action.ref ? { ...o, field: ref } : o));
      return next({ ...spec, measures, order });
    }
    case 'addDimension': {
      const dims = spec.dimensions ?? [];
      if (dims.includes(action.id)) return state;
      if (ds && ds.dimensions.every((d) => d.id !== action.id)) return state;
      if (ds && timeDimensionIds(ds).includes(action.id)) {
        // Time dimensions are chosen through the grain.
        return builderReducer(state, { type: 'setGrain', grain: action.id as Grain }, ds);
      }
      if (ds && effectiveDimensions(spec).length >= ds.limits.max_dimensions) return state;
      return next({ ...spec, dimensions: [...dims, action.id], per_capita: spec.per_capita });
    }
    case 'removeDimension': {
      const s = dropOrder({ ...spec, dimensions: (spec.dimensions ?? []).filter((d) => d !== action.id) }, action.id);
      if (s.time?.grain === action.id) s.time = { ...s.time, grain: undefined };
      return next(repairSpec(s, ds));
    }
    case 'setGrain': {
      const timeIds = ds ? timeDimensionIds(ds) : ['month', 'quarter', 'year'];
      const oldGrain = spec.time?.grain;
      // Keep one time dimension: the grain replaces any other in the dimensions.
      const dims = (spec.dimensions ?? []).filter((d) => !timeIds.includes(d));
      if (action.grain && ds && dims.length + 1 > ds.limits.max_dimensions) return state;
      let s: QuerySpec = { ...spec, dimensions: dims, time: { ...spec.time, grain: action.grain || undefined } };
      if (oldGrain && oldGrain !== action.grain) s = dropOrder(s, oldGrain);
      if (!action.grain) {
        // Transforms over time need a time dimension.
        s.measures = s.measures.map((ref) => {
          const { id, transform } = splitMeasure(ref);
          return transform && transform !== 'share' ? id : ref;
        });
        s.measures = [...new Set(s.measures)];
      } else if (action.grain !== 'month') {
        s.measures = [...new Set(s.measures.map((ref) => (splitMeasure(ref).transform === 'rolling_12m' ? splitMeasure(ref).id : ref)))];
      }
      const chart = state.chart === 'line' && !action.grain ? 'bar' : state.chart;
      return next(repairSpec(s, ds), chart);
    }
    case 'addFilter': {
      const dim = ds?.dimensions.find((d) => d.id === action.field);
      const op: Op = dim?.operators.includes('in') ? 'in' : (dim?.operators[0] ?? 'eq');
      const f: Filter = { field: action.field, op, value: isListOp(op) ? [] : '' };
      return next({ ...spec, filters: [...(spec.filters ?? []), f] });
    }
    case 'setFilterOp': {
      const filters = [...(spec.filters ?? [])];
      const f = filters[action.index];
      if (!f) return state;
      // A required filter keeps one value: only eq and in.
      if (isRequiredFilter(spec, ds, f.field) && action.op !== 'eq' && action.op !== 'in') return state;
      filters[action.index] = { ...f, op: action.op, value: coerceValue(action.op, f.value) };
      return next({ ...spec, filters });
    }
    case 'setFilterValue': {
      const filters = [...(spec.filters ?? [])];
      const f = filters[action.index];
      if (!f) return state;
      let value = coerceValue(f.op, action.value);
      // A required filter keeps one value: the one just chosen replaces the other.
      if (isRequiredFilter(spec, ds, f.field) && Array.isArray(value) && value.length > 1) {
        const prev = Array.isArray(f.value) ? f.value : [f.value];
        value = [value.find((v) => !prev.includes(v)) ?? value[value.length - 1]];
      }
      filters[action.index] = { ...f, value };
      return next({ ...spec, filters });
    }
    case 'removeFilter': {
      const f = spec.filters?.[action.index];
      if (!f) return state;
      const filters = (spec.filters ?? []).filter((_, i) => i !== action.index);
      // The last filter of a required dimension stays.
      if (isRequiredFilter(spec, ds, f.field) && !filters.some((x) => x.field === f.field)) return state;
      return next({ ...spec, filters });
    }
    case 'setTop': {
      if (!action.field) return next({ ...spec, top: undefined });
      if (!(spec.dimensions ?? []).includes(action.field)) return state;
      const n = Math.min(MAX_TOP_N, Math.max(1, Math.floor(action.n ?? spec.top?.n ?? 10)));
      return next({ ...spec, top: { field: action.field, n } });
    }
    case 'repair': {
      const s = repairSpec(spec, ds);
      return s === spec ? state : next(s);
    }
    case 'setTime': {
      const t = { ...spec.time };
      if (action.from !== undefined) t.from = action.from || undefined;
      if (action.to !== undefined) t.to = action.to || undefined;
      return next({ ...spec, time: t });
    }
    case 'setOrder': {
      const order = [{ field: action.field, dir: action.dir }, ...(spec.order ?? []).filter((o) => o.field !== action.field)].slice(0, 4);
      return next({ ...spec, order });
    }
    case 'clearOrder':
      return next({ ...spec, order: undefined });
    case 'setLimit':
      return next({ ...spec, limit: action.limit && action.limit > 0 ? Math.floor(action.limit) : undefined });
    case 'setReal':
      return next({ ...spec, real: action.base ? { base: action.base } : undefined });
    case 'setPerCapita':
      return next({ ...spec, per_capita: action.on || undefined });
    case 'setChart':
      return { ...state, chart: action.chart };
  }
}
