import { describe, expect, it } from 'vitest';
import { defaultChart, effectiveDimensions, normaliseSpec, paramsToState, specKey, specProblems, stateToParams, addMonths, isSingleValue, unpinnedDimensions, type ExploreState } from '../src/lib/spec';
import { comex, siconfi } from './fixtures';

const roundTrip = (s: ExploreState, lang = 'pt-BR') => {
  const url = `https://mirante.example/o/porto-sul/explore?${stateToParams(s, lang).toString()}`;
  return paramsToState(new URL(url).searchParams);
};

describe('spec ⇄ URL', () => {
  it('round-trips the full example spec of API.md', () => {
    const state: ExploreState = {
      spec: {
        dataset: 'comex_monthly',
        measures: ['vl_fob_usd', 'kg_liquido.yoy_pct'],
        dimensions: ['uf', 'month'],
        filters: [
          { field: 'flow', op: 'eq', value: 'export' },
          { field: 'uf', op: 'in', value: ['SP', 'RS'] },
        ],
        time: { from: '2023-01', to: '2023-12', grain: 'month' },
        order: [{ field: 'vl_fob_usd', dir: 'desc' }],
        limit: 100,
      },
      chart: 'stacked',
      viewId: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
    };
    expect(roundTrip(state)).toEqual({ ...state, spec: normaliseSpec(state.spec) });
  });

  it('round-trips real values, per capita and awkward filter values', () => {
    const state: ExploreState = {
      spec: {
        dataset: 'siconfi_annual',
        measures: ['value_brl'],
        dimensions: ['account'],
        filters: [
          { field: 'account', op: 'in', value: ['Receitas, correntes', 'Despesa: "pessoal" & encargos', 'ção/ã #1'] },
          { field: 'municipio', op: 'prefix', value: '43' },
          { field: 'year', op: 'between', value: ['2015', '2020'] },
        ],
        time: { from: '2015', to: '2024', grain: 'year' },
        real: { base: '2024-12' },
        per_capita: true,
      },
      chart: 'table',
    };
    const back = roundTrip(state, 'en');
    expect(back).toEqual({ ...state, spec: normaliseSpec(state.spec) });
    expect(specKey(back.spec)).toBe(specKey(state.spec));
  });

  it('writes the locale and the chart type into the URL', () => {
    const p = stateToParams({ spec: { dataset: 'ipca_monthly', measures: ['index'] }, chart: 'line' }, 'en');
    expect(p.get('lang')).toBe('en');
    expect(p.get('chart')).toBe('line');
    expect(p.get('ds')).toBe('ipca_monthly');
  });

  it('drops malformed parts instead of failing', () => {
    const s = paramsToState(new URLSearchParams('ds=comex_monthly&m=vl_fob_usd,DROP TABLE,;x&f=not-json&from=2023-13&to=2023-12&g=week&n=-5&real=yesterday&chart=pie&view=../../etc'));
    expect(s.spec).toEqual({ dataset: 'comex_monthly', measures: ['vl_fob_usd'], time: { to: '2023-12' } });
    expect(s.chart).toBe('line');
    expect(s.viewId).toBeUndefined();
  });

  it('ignores filter entries of the wrong shape', () => {
    const f = JSON.stringify([['uf', 'in', ['SP']], ['bad'], [1, 'eq', 'x'], ['year', 'eq', 2020]]);
    const s = paramsToState(new URLSearchParams({ ds: 'comex_monthly', m: 'vl_fob_usd', f }));
    expect(s.spec.filters).toEqual([
      { field: 'uf', op: 'in', value: ['SP'] },
      { field: 'year', op: 'eq', value: '2020' },
    ]);
  });

  it('an empty query string is an empty state', () => {
    expect(paramsToState(new URLSearchParams(''))).toEqual({ spec: { dataset: '', measures: [] }, chart: 'line' });
  });
});

describe('spec helpers', () => {
  it('folds the grain into the dimensions', () => {
    expect(effectiveDimensions({ dataset: 'x', measures: [], dimensions: ['uf'], time: { grain: 'month' } })).toEqual(['uf', 'month']);
    expect(effectiveDimensions({ dataset: 'x', measures: [], dimensions: ['uf', 'month'], time: { grain: 'month' } })).toEqual(['uf', 'month']);
  });

  it('picks a line chart over time and bars otherwise', () => {
    expect(defaultChart({ dataset: 'x', measures: ['a'], time: { grain: 'year' } })).toBe('line');
    expect(defaultChart({ dataset: 'x', measures: ['a'], dimensions: ['uf'] })).toBe('bar');
  });

  it('adds months across years', () => {
    expect(addMonths('2025-09', -23)).toBe('2023-10');
    expect(addMonths('2023-12', 1)).toBe('2024-01');
  });

  it('finds what the server would refuse', () => {
    const flow = { field: 'flow', op: 'eq' as const, value: 'export' };
    const cx = { dataset: 'comex_monthly', filters: [flow] };
    expect(specProblems({ ...cx, measures: [] }, comex).map((p) => p.key)).toEqual(['noMeasure']);
    expect(specProblems({ ...cx, measures: ['vl_fob_usd'], dimensions: ['uf', 'ncm', 'country', 'region'], time: { grain: 'month' } }, comex)).toEqual([{ key: 'tooManyDimensions', max: 4 }]);
    expect(specProblems({ ...cx, measures: ['vl_fob_usd'], time: { from: '2024-01', to: '2023-01' } }, comex).map((p) => p.key)).toEqual(['timeOrder']);
    expect(specProblems({ ...cx, measures: ['vl_fob_usd'], time: { from: '2000-01', to: '2023-01' } }, comex)).toEqual([{ key: 'spanTooLong', max: 180 }]);
    expect(specProblems({ ...cx, measures: ['vl_fob_usd.yoy_pct'], dimensions: ['uf'] }, comex).map((p) => p.key)).toEqual(['needsTime']);
    expect(specProblems({ ...cx, measures: ['vl_fob_usd'], filters: [flow, { field: 'uf', op: 'in', value: [] }] }, comex).map((p) => p.key)).toEqual(['emptyFilter']);
    expect(specProblems({ ...cx, measures: ['vl_fob_usd'], limit: 6000 }, comex)).toEqual([{ key: 'limitTooHigh', max: 5000 }]);
    const rcl = [{ field: 'account', op: 'eq' as const, value: 'RCL' }];
    expect(specProblems({ dataset: 'siconfi_annual', measures: ['value_brl'], filters: rcl, time: { from: '2005', to: '2024', grain: 'year' } }, siconfi)).toEqual([]);
    expect(specProblems({ dataset: 'siconfi_annual', measures: ['value_brl'], filters: rcl, time: { from: '2000', to: '2024' } }, siconfi).map((p) => p.key)).toEqual(['spanTooLong']);
    expect(specProblems({ dataset: 'nope', measures: ['x'] }, undefined)).toEqual([{ key: 'noDataset' }]);
  });

  it('a non-additive dimension must be grouped by or filtered to one value, as the server demands', () => {
    const base = { dataset: 'comex_monthly', measures: ['vl_fob_usd'], dimensions: ['uf'] };
    const refused = [{ key: 'emptyFilter', field: 'flow' }];
    expect(specProblems(base, comex)).toEqual(refused);
    expect(specProblems({ ...base, filters: [{ field: 'flow', op: 'in', value: ['export', 'import'] }] }, comex)).toEqual(refused);
    expect(specProblems({ ...base, filters: [{ field: 'flow', op: 'neq', value: 'import' }] }, comex)).toEqual(refused);
    expect(specProblems({ ...base, filters: [{ field: 'flow', op: 'in', value: ['import'] }] }, comex)).toEqual([]);
    expect(specProblems({ ...base, filters: [{ field: 'flow', op: 'eq', value: 'export' }] }, comex)).toEqual([]);
    expect(specProblems({ ...base, dimensions: ['uf', 'flow'] }, comex)).toEqual([]);
    // An empty filter is told once.
    expect(specProblems({ ...base, filters: [{ field: 'flow', op: 'in', value: [] }] }, comex)).toEqual(refused);
    expect(unpinnedDimensions(base, comex).map((d) => d.id)).toEqual(['flow']);
    expect(isSingleValue({ field: 'flow', op: 'eq', value: '' })).toBe(false);
  });
});
