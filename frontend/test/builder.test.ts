import { describe, expect, it } from 'vitest';
import { builderReducer, initialSpec, repairSpec, type BuilderAction } from '../src/lib/builder';
import { paramsToState, specProblems, stateToParams, type ExploreState } from '../src/lib/spec';
import { comex, siconfi } from './fixtures';

const exportsOnly = { field: 'flow', op: 'in' as const, value: ['export'] };
const start = (): ExploreState => ({ spec: initialSpec(comex), chart: 'line' });
const run = (s: ExploreState, ...actions: BuilderAction[]) => actions.reduce((acc, a) => builderReducer(acc, a, comex), s);

describe('builder reducer', () => {
  it('starts a dataset with its first measure over the last two years of data', () => {
    // Non-additive dimensions are asked up front: flow pre-filled with its first value, an account left to choose.
    expect(initialSpec(comex)).toEqual({ dataset: 'comex_monthly', measures: ['vl_fob_usd'], filters: [exportsOnly], time: { from: '2023-10', to: '2025-09', grain: 'month' } });
    expect(initialSpec(siconfi)).toEqual({ dataset: 'siconfi_annual', measures: ['value_brl'], filters: [{ field: 'account', op: 'in', value: [] }], time: { from: '2015', to: '2024', grain: 'year' } });
    expect(initialSpec({ ...comex, watermark: '' })).toEqual({ dataset: 'comex_monthly', measures: ['vl_fob_usd'], filters: [exportsOnly], time: { grain: 'month' } });
  });

  it('switching dataset starts over', () => {
    const s = run(start(), { type: 'addDimension', id: 'uf' }, { type: 'addFilter', field: 'flow' });
    const next = builderReducer(s, { type: 'setDataset', dataset: siconfi }, siconfi);
    expect(next.spec).toEqual(initialSpec(siconfi));
    expect(next.chart).toBe('line');
  });

  it('adds, transforms and removes measures, keeping order keys in step', () => {
    let s = run(start(), { type: 'addMeasure', id: 'kg_liquido' }, { type: 'setOrder', field: 'kg_liquido', dir: 'desc' });
    expect(s.spec.measures).toEqual(['vl_fob_usd', 'kg_liquido']);
    s = run(s, { type: 'setTransform', ref: 'kg_liquido', transform: 'yoy_pct' });
    expect(s.spec.measures).toEqual(['vl_fob_usd', 'kg_liquido.yoy_pct']);
    expect(s.spec.order).toEqual([{ field: 'kg_liquido.yoy_pct', dir: 'desc' }]);
    s = run(s, { type: 'removeMeasure', ref: 'kg_liquido.yoy_pct' });
    expect(s.spec.measures).toEqual(['vl_fob_usd']);
    expect(s.spec.order).toBeUndefined();
    // The same measure twice is refused.
    expect(run(s, { type: 'addMeasure', id: 'vl_fob_usd' })).toEqual(s);
  });

  it("respects the dataset's max_dimensions, counting the time grain", () => {
    const s = run(start(), { type: 'addDimension', id: 'uf' }, { type: 'addDimension', id: 'flow' }, { type: 'addDimension', id: 'ncm' }, { type: 'addDimension', id: 'country' });
    expect(s.spec.dimensions).toEqual(['uf', 'flow', 'ncm']);
    // Dropping the grain frees a slot.
    const t = run(s, { type: 'setGrain', grain: '' }, { type: 'addDimension', id: 'country' });
    expect(t.spec.dimensions).toEqual(['uf', 'flow', 'ncm', 'country']);
    // And now the grain no longer fits.
    expect(run(t, { type: 'setGrain', grain: 'year' }).spec.time?.grain).toBeUndefined();
  });

  it('keeps one time dimension: the grain', () => {
    const s = run(start(), { type: 'addDimension', id: 'year' });
    expect(s.spec.time?.grain).toBe('year');
    expect(s.spec.dimensions).toBeUndefined();
  });

  it('drops time transforms when the grain goes, and rolling 12 months off the month grain', () => {
    let s = run(start(), { type: 'addMeasure', id: 'kg_liquido' }, { type: 'setTransform', ref: 'vl_fob_usd', transform: 'rolling_12m' }, { type: 'setTransform', ref: 'kg_liquido', transform: 'share' });
    s = run(s, { type: 'setGrain', grain: 'quarter' });
    expect(s.spec.measures).toEqual(['vl_fob_usd', 'kg_liquido.share']);
    s = run(s, { type: 'setTransform', ref: 'vl_fob_usd', transform: 'yoy_diff' }, { type: 'setGrain', grain: '' });
    expect(s.spec.measures).toEqual(['vl_fob_usd', 'kg_liquido.share']);
    expect(s.chart).toBe('bar');
  });

  it('filters: operators from the dimension, values coerced when the operator changes', () => {
    let s = run(start(), { type: 'addFilter', field: 'uf' });
    expect(s.spec.filters).toEqual([exportsOnly, { field: 'uf', op: 'in', value: [] }]);
    s = run(s, { type: 'setFilterValue', index: 1, value: ['SP', 'RS'] }, { type: 'setFilterOp', index: 1, op: 'eq' });
    expect(s.spec.filters?.[1]).toEqual({ field: 'uf', op: 'eq', value: 'SP' });
    s = run(s, { type: 'setFilterOp', index: 1, op: 'not_in' });
    expect(s.spec.filters?.[1]).toEqual({ field: 'uf', op: 'not_in', value: ['SP'] });
    s = run(s, { type: 'addFilter', field: 'month' }, { type: 'setFilterOp', index: 2, op: 'between' });
    expect(s.spec.filters?.[2]).toEqual({ field: 'month', op: 'between', value: ['', ''] });
    s = run(s, { type: 'removeFilter', index: 1 });
    expect(s.spec.filters?.map((f) => f.field)).toEqual(['flow', 'month']);
  });

  it('time range, order, limit, per capita and chart', () => {
    const s = run(
      start(),
      { type: 'setTime', from: '2020-01' },
      { type: 'setTime', to: '' },
      { type: 'setOrder', field: 'month', dir: 'asc' },
      { type: 'setOrder', field: 'vl_fob_usd', dir: 'desc' },
      { type: 'setLimit', limit: 250.7 },
      { type: 'setPerCapita', on: true },
      { type: 'setChart', chart: 'stacked' },
    );
    expect(s.spec.time).toEqual({ from: '2020-01', grain: 'month' });
    expect(s.spec.order).toEqual([
      { field: 'vl_fob_usd', dir: 'desc' },
      { field: 'month', dir: 'asc' },
    ]);
    expect(s.spec.limit).toBe(250);
    expect(s.spec.per_capita).toBe(true);
    expect(s.chart).toBe('stacked');
    const t = run(s, { type: 'clearOrder' }, { type: 'setLimit', limit: undefined }, { type: 'setPerCapita', on: false });
    expect(t.spec.order).toBeUndefined();
    expect(t.spec.limit).toBeUndefined();
    expect(t.spec.per_capita).toBeUndefined();
  });

  it('real values follow the BRL measures', () => {
    let s: ExploreState = { spec: initialSpec(siconfi), chart: 'line' };
    s = builderReducer(s, { type: 'setReal', base: '2024-12' }, siconfi);
    expect(s.spec.real).toEqual({ base: '2024-12' });
    s = builderReducer(s, { type: 'removeMeasure', ref: 'value_brl' }, siconfi);
    expect(s.spec.real).toBeUndefined();
    s = builderReducer(s, { type: 'addMeasure', id: 'value_brl' }, siconfi);
    s = builderReducer(s, { type: 'setReal', base: '2023-06' }, siconfi);
    s = builderReducer(s, { type: 'setReal', base: null }, siconfi);
    expect(s.spec.real).toBeUndefined();
  });

  it('removing a dimension removes its order key', () => {
    const s = run(start(), { type: 'addDimension', id: 'uf' }, { type: 'setOrder', field: 'uf', dir: 'asc' }, { type: 'removeDimension', id: 'uf' });
    expect(s.spec.dimensions).toBeUndefined();
    expect(s.spec.order).toBeUndefined();
  });

  it('a non-additive filter keeps one value and stays until its dimension is grouped by', () => {
    const s = start();
    expect(specProblems(s.spec, comex)).toEqual([]);
    // Removing it, a negative operator or a second value would sum exports and imports: refused or cut to one.
    expect(run(s, { type: 'removeFilter', index: 0 })).toEqual(s);
    expect(run(s, { type: 'setFilterOp', index: 0, op: 'not_in' })).toEqual(s);
    expect(run(s, { type: 'setFilterValue', index: 0, value: ['export', 'import'] }).spec.filters).toEqual([{ field: 'flow', op: 'in', value: ['import'] }]);
    expect(run(s, { type: 'setFilterOp', index: 0, op: 'eq' }).spec.filters).toEqual([{ field: 'flow', op: 'eq', value: 'export' }]);
    // Grouped by flow ("agrupar por fluxo"), the filter is free again; ungrouped, it is pinned back to one value.
    let g = run(s, { type: 'addDimension', id: 'flow' }, { type: 'setFilterValue', index: 0, value: ['export', 'import'] });
    expect(g.spec.filters).toEqual([{ field: 'flow', op: 'in', value: ['export', 'import'] }]);
    g = run(g, { type: 'removeFilter', index: 0 });
    expect(g.spec.filters).toBeUndefined();
    expect(specProblems(g.spec, comex)).toEqual([]);
    g = run(g, { type: 'removeDimension', id: 'flow' });
    expect(g.spec.filters).toEqual([exportsOnly]);
    // Emptied by the user, it is asked for again rather than sent.
    const empty = run(s, { type: 'setFilterValue', index: 0, value: [] });
    expect(specProblems(empty.spec, comex)).toEqual([{ key: 'emptyFilter', field: 'flow' }]);
  });

  it('repairs a link or a saved view that would sum a non-additive dimension', () => {
    const link: ExploreState = { spec: { dataset: 'comex_monthly', measures: ['vl_fob_usd'], dimensions: ['uf'], filters: [{ field: 'uf', op: 'eq', value: 'SP' }] }, chart: 'bar' };
    expect(specProblems(link.spec, comex)).toEqual([{ key: 'emptyFilter', field: 'flow' }]);
    const fixed = run(link, { type: 'repair' });
    expect(fixed.spec.filters).toEqual([exportsOnly, { field: 'uf', op: 'eq', value: 'SP' }]);
    expect(specProblems(fixed.spec, comex)).toEqual([]);
    // Already fine: the same state, so the URL is not rewritten.
    expect(run(fixed, { type: 'repair' })).toBe(fixed);
    const both: ExploreState = { ...link, spec: { ...link.spec, filters: [{ field: 'flow', op: 'not_in', value: ['import'] }] } };
    expect(run(both, { type: 'repair' }).spec.filters).toEqual([exportsOnly]);
    const two: ExploreState = { ...link, spec: { ...link.spec, filters: [{ field: 'flow', op: 'in', value: ['import', 'export'] }] } };
    expect(run(two, { type: 'repair' }).spec.filters).toEqual([{ field: 'flow', op: 'in', value: ['import'] }]);
    expect(repairSpec(two.spec, undefined)).toBe(two.spec);
  });

  it('top N per series: over a grouped dimension, 1 to 100, dropped with its dimension', () => {
    let s = run(start(), { type: 'addDimension', id: 'uf' }, { type: 'setTop', field: 'uf' });
    expect(s.spec.top).toEqual({ field: 'uf', n: 10 });
    s = run(s, { type: 'setTop', field: 'uf', n: 500 });
    expect(s.spec.top).toEqual({ field: 'uf', n: 100 });
    s = run(s, { type: 'setTop', field: 'uf', n: 0 });
    expect(s.spec.top).toEqual({ field: 'uf', n: 1 });
    expect(run(s, { type: 'setTop', field: 'ncm', n: 3 })).toEqual(s);
    expect(run(s, { type: 'setTop', field: '' }).spec.top).toBeUndefined();
    expect(run(s, { type: 'removeDimension', id: 'uf' }).spec.top).toBeUndefined();
    // In the link, and back.
    const back = paramsToState(stateToParams(s));
    expect(back.spec.top).toEqual({ field: 'uf', n: 1 });
    expect(paramsToState(new URLSearchParams('ds=comex_monthly&m=vl_fob_usd&top=uf:101')).spec.top).toBeUndefined();
    // A top over a dimension no longer grouped (a hand-edited link) is dropped before it runs.
    expect(run({ spec: { ...s.spec, dimensions: [] }, chart: 'bar' }, { type: 'repair' }).spec.top).toBeUndefined();
  });
});
