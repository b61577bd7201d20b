import { describe, expect, it } from 'vitest';
import { canDrill, crossFilterFor, drillBack, drillDown, finerOf, periodMonths, withFilter, type DrillStep } from '../src/lib/drill';
import type { DatasetInfo, QuerySpec } from '../src/api/types';
import { comex, siconfi } from './fixtures';

// comex_monthly with the catalog's rollups (shared/semantic/catalog/comex_monthly.json).
const rollups: Record<string, string> = { month: 'quarter', quarter: 'year', uf: 'region', ncm: 'sh4', sh4: 'sh2' };
const code = comex.dimensions.find((d) => d.id === 'ncm')!;
const ds: DatasetInfo = {
  ...comex,
  dimensions: [
    ...comex.dimensions.map((d) => (rollups[d.id] ? { ...d, rollup: rollups[d.id] } : d)),
    { ...code, id: 'sh4', label: 'sh4_name', rollup: 'sh2' },
    { ...code, id: 'sh2', label: 'sh2_name' },
  ],
};

const base: QuerySpec = { dataset: 'comex_monthly', measures: ['vl_fob_usd'], dimensions: ['region'], filters: [{ field: 'flow', op: 'eq', value: 'export' }], time: { from: '2023-01', to: '2024-06' } };

describe('drill-down', () => {
  it('finds the finer dimension from the rollup of the catalog', () => {
    expect(finerOf('region', ds)?.id).toBe('uf');
    expect(finerOf('sh2', ds)?.id).toBe('sh4');
    expect(finerOf('sh4', ds)?.id).toBe('ncm');
    expect(finerOf('year', ds)?.id).toBe('quarter');
    expect(finerOf('quarter', ds)?.id).toBe('month');
    expect(finerOf('month', ds)).toBeUndefined();
    expect(finerOf('flow', ds)).toBeUndefined();
    // The plain fixture carries no rollups: nothing drills.
    expect(finerOf('region', comex)).toBeUndefined();
  });

  it('turns the clicked category into an eq filter and groups by the finer dimension', () => {
    const s = drillDown(base, ds, 'region', 'Sul');
    expect(s).toEqual({ ...base, dimensions: ['uf'], filters: [{ field: 'flow', op: 'eq', value: 'export' }, { field: 'region', op: 'eq', value: 'Sul' }] });
    // comex has nothing finer than the UF.
    expect(drillDown(s!, ds, 'uf', 'RS')).toBeNull();
    expect(drillDown({ ...base, dimensions: ['sh2', 'flow'], order: [{ field: 'sh2', dir: 'desc' }] }, ds, 'sh2', '84')).toEqual({
      ...base,
      dimensions: ['sh4', 'flow'],
      order: [{ field: 'sh4', dir: 'desc' }],
      filters: [{ field: 'flow', op: 'eq', value: 'export' }, { field: 'sh2', op: 'eq', value: '84' }],
    });
  });

  it('replaces a filter of the spec on the clicked field', () => {
    const s = drillDown({ ...base, dimensions: ['sh4'], filters: [{ field: 'sh4', op: 'in', value: ['8471', '8703'] }] }, ds, 'sh4', '8703');
    expect(s?.filters).toEqual([{ field: 'sh4', op: 'eq', value: '8703' }]);
    expect(s?.dimensions).toEqual(['ncm']);
  });

  it('goes year → quarter → month by narrowing the time range, within the range the spec had', () => {
    const y = drillDown({ ...base, dimensions: [], time: { from: '2023-03', to: '2024-06', grain: 'year' } }, ds, 'year', '2023');
    expect(y?.time).toEqual({ from: '2023-03', to: '2023-12', grain: 'quarter' });
    expect(y?.filters).toEqual(base.filters);
    const q = drillDown(y!, ds, 'quarter', '2023-Q4');
    expect(q?.time).toEqual({ from: '2023-10', to: '2023-12', grain: 'month' });
    expect(drillDown({ ...base, dimensions: ['year'], time: undefined }, ds, 'year', '2022')).toMatchObject({ dimensions: ['quarter'], time: { from: '2022-01', to: '2022-12' } });
    expect(periodMonths('2024-Q2')).toEqual({ from: '2024-04', to: '2024-06' });
    expect(periodMonths('SP')).toBeNull();
  });

  it('does not drill where the finer dimension is grouped already, at the finest level, or by a dimension not grouped', () => {
    expect(canDrill({ ...base, dimensions: ['region', 'uf'] }, ds, 'region')).toBe(false);
    expect(canDrill({ ...base, dimensions: ['month'] }, ds, 'month')).toBe(false);
    expect(canDrill(base, ds, 'sh2')).toBe(false);
    expect(drillDown({ ...base, dimensions: ['flow'] }, ds, 'flow', 'export')).toBeNull();
    expect(canDrill({ dataset: 'siconfi_annual', measures: ['value_brl'], dimensions: ['uf'] }, siconfi, 'uf')).toBe(false);
  });

  it('goes back up the breadcrumb to the spec each step left', () => {
    const s1 = drillDown(base, ds, 'region', 'Sul')!;
    const trail: DrillStep[] = [
      { spec: base, dim: 'region', value: 'Sul', label: 'Sul' },
      { spec: s1, dim: 'uf', value: 'RS', label: 'RS' },
    ];
    expect(drillBack(trail, 1)).toEqual({ trail: [trail[0]], spec: s1 });
    expect(drillBack(trail, 0)).toEqual({ trail: [], spec: base });
    expect(drillBack(trail, 2)).toBeNull();
  });
});

describe('cross-filter', () => {
  const cf = { field: 'uf', value: 'SP', label: 'SP', source: 0 };

  it('filters the other panels whose dataset has the field, not the panel clicked', () => {
    expect(crossFilterFor(cf, 1, siconfi)).toEqual({ field: 'uf', op: 'eq', value: 'SP' });
    expect(crossFilterFor(cf, 0, ds)).toBeNull();
    expect(crossFilterFor({ ...cf, field: 'flow', value: 'export' }, 1, siconfi)).toBeNull();
    expect(crossFilterFor({ ...cf, field: 'month', value: '2023-01' }, 1, ds)).toBeNull();
    expect(crossFilterFor(null, 1, ds)).toBeNull();
  });

  it("replaces the panel's own filter on the field", () => {
    const s = withFilter({ ...base, filters: [{ field: 'uf', op: 'in', value: ['RS', 'SC'] }, { field: 'flow', op: 'eq', value: 'import' }] }, crossFilterFor(cf, 2, ds));
    expect(s.filters).toEqual([
      { field: 'flow', op: 'eq', value: 'import' },
      { field: 'uf', op: 'eq', value: 'SP' },
    ]);
    expect(withFilter(base, null)).toBe(base);
  });
});
