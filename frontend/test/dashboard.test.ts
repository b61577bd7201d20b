import { describe, expect, it } from 'vitest';
import { applyShared, dashboardToParams, deleteDashboard, loadDashboards, paramsToDashboard, saveDashboard, type Dashboard } from '../src/lib/dashboard';
import { comex, siconfi } from './fixtures';

class MemoryStorage {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

describe('dashboards', () => {
  const d: Dashboard = { name: 'Sul: comércio e finanças', views: ['5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'], filters: [{ field: 'uf', op: 'in', value: ['RS', 'SC', 'PR'] }], from: '2023-01', to: '2023-12' };

  it('round-trips through the URL', () => {
    const back = paramsToDashboard(new URL(`https://x/o/porto-sul/dashboards?${dashboardToParams(d, 'en')}`).searchParams);
    expect(back).toEqual(d);
  });

  it('drops malformed ids, duplicates and filters', () => {
    const p = new URLSearchParams({ v: 'a,a,../x,b', f: '{"x":1}', from: 'ontem' });
    expect(paramsToDashboard(p)).toEqual({ name: '', views: ['a', 'b'], filters: [] });
  });

  it("applies shared filters to the views whose dataset has the field, replacing the view's own", () => {
    const spec = { dataset: 'comex_monthly', measures: ['vl_fob_usd'], filters: [{ field: 'uf', op: 'eq' as const, value: 'SP' }, { field: 'flow', op: 'eq' as const, value: 'export' }], time: { from: '2020-01', to: '2020-12', grain: 'month' as const } };
    const r = applyShared(spec, { ...d, filters: [...d.filters, { field: 'account', op: 'eq', value: 'x' }] }, comex);
    expect(r.spec.filters).toEqual([
      { field: 'flow', op: 'eq', value: 'export' },
      { field: 'uf', op: 'in', value: ['RS', 'SC', 'PR'] },
    ]);
    expect(r.spec.time).toEqual({ from: '2023-01', to: '2023-12', grain: 'month' });
    expect(r.applied).toEqual(['uf', 'time']);
    expect(r.skipped).toEqual(['account']);
    // The view itself is untouched.
    expect(spec.filters[0]).toEqual({ field: 'uf', op: 'eq', value: 'SP' });
  });

  it('skips an operator the dimension does not accept', () => {
    const r = applyShared({ dataset: 'siconfi_annual', measures: ['value_brl'] }, { filters: [{ field: 'uf', op: 'prefix', value: '4' }] }, siconfi);
    expect(r.skipped).toEqual(['uf']);
    expect(r.spec.filters).toBeUndefined();
  });

  it('keeps named dashboards per org in storage', () => {
    const s = new MemoryStorage();
    const a = saveDashboard('porto-sul', d, undefined, s);
    saveDashboard('agro-nordeste', { ...d, name: 'outro' }, undefined, s);
    expect(loadDashboards('porto-sul', s).map((x) => x.name)).toEqual([d.name]);
    saveDashboard('porto-sul', { ...d, views: ['z'] }, a.id, s);
    expect(loadDashboards('porto-sul', s)).toHaveLength(1);
    expect(loadDashboards('porto-sul', s)[0].views).toEqual(['z']);
    deleteDashboard('porto-sul', a.id, s);
    expect(loadDashboards('porto-sul', s)).toEqual([]);
    s.setItem('mirante.dashboards.broken', '{not json');
    expect(loadDashboards('broken', s)).toEqual([]);
  });
});
