import { describe, expect, it } from 'vitest';
import { applyShared, boardInput, boardOf, boardOfUrl, dashboardToParams, deleteDashboard, importChoice, importInput, layoutPanels, loadDashboards, paramsToDashboard, rememberImportChoice, saveDashboard, uniqueNames, type Dashboard } from '../src/lib/dashboard';
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

const d: Dashboard = { name: 'Sul: comércio e finanças', views: ['5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'], filters: [{ field: 'uf', op: 'in', value: ['RS', 'SC', 'PR'] }], from: '2023-01', to: '2023-12' };

describe('dashboards', () => {
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

  it('never lets a shared filter add up the values of a non-additive dimension', () => {
    const spec = { dataset: 'comex_monthly', measures: ['vl_fob_usd'], dimensions: ['uf'], filters: [{ field: 'flow', op: 'eq' as const, value: 'export' }] };
    const both = { filters: [{ field: 'flow', op: 'in' as const, value: ['export', 'import'] }] };
    const kept = applyShared(spec, both, comex);
    expect(kept.skipped).toEqual(['flow']);
    expect(kept.spec.filters).toEqual([{ field: 'flow', op: 'eq', value: 'export' }]);
    // One value replaces the panel's own; a panel grouped by flow takes both side by side.
    expect(applyShared(spec, { filters: [{ field: 'flow', op: 'in', value: ['import'] }] }, comex).applied).toEqual(['flow']);
    expect(applyShared({ ...spec, dimensions: ['uf', 'flow'] }, both, comex).applied).toEqual(['flow']);
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

describe('server dashboards', () => {
  const V = ['5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b', '11111111-2222-4333-8444-555555555555'];

  it('lays panels out left to right on rows of 12 columns', () => {
    expect(layoutPanels([{ view_id: V[0], w: 6 }, { view_id: V[1], w: 8 }, { view_id: V[2], w: 4, title: 'SP' }])).toEqual([
      { view_id: V[0], x: 0, y: 0, w: 6, h: 4 },
      { view_id: V[1], x: 0, y: 4, w: 8, h: 4 },
      { view_id: V[2], x: 8, y: 4, w: 4, h: 4, title: 'SP' },
    ]);
    // Widths out of range are clamped to the grid.
    expect(layoutPanels([{ view_id: V[0], w: 40 }, { view_id: V[1], w: 0 }]).map((p) => [p.x, p.y, p.w])).toEqual([
      [0, 0, 12],
      [0, 4, 1],
    ]);
  });

  it('reads a server dashboard in reading order and writes it back with the same layout', () => {
    const doc = {
      name: 'Portos',
      panels: [
        { view_id: V[1], x: 6, y: 0, w: 6, h: 4 },
        { view_id: V[2], x: 0, y: 4, w: 12, h: 4, title: 'Tudo' },
        { view_id: V[0], x: 0, y: 0, w: 6, h: 4 },
      ],
      filters: [{ field: 'uf', op: 'in' as const, value: ['RS'] }],
      time: { from: '2023-01' },
    };
    const b = boardOf(doc);
    expect(b).toEqual({ name: 'Portos', panels: [{ view_id: V[0], w: 6 }, { view_id: V[1], w: 6 }, { view_id: V[2], w: 12, title: 'Tudo' }], filters: doc.filters, from: '2023-01' });
    const body = boardInput({ ...b, name: ' Portos ', filters: [...b.filters, { field: 'flow', op: 'in', value: [] }, { field: 'ncm', op: 'eq', value: '' }] }, { visibility: 'org' });
    expect(body).toEqual({ name: 'Portos', visibility: 'org', panels: [doc.panels[2], doc.panels[0], doc.panels[1]], filters: doc.filters, time: { from: '2023-01' } });
    expect(boardInput({ ...b, from: undefined }, { visibility: 'private' }).time).toBeNull();
  });

  it('imports a dashboard kept in this browser as a private one, without ids that are not views', () => {
    const saved = { ...d, views: [V[0], 'not-a-view', V[1]], name: '', id: 'x', updated_at: '2026-01-01T00:00:00Z' };
    const body = importInput(saved, 'Painel sem nome');
    expect(body).toEqual({
      name: 'Painel sem nome',
      visibility: 'private',
      panels: [
        { view_id: V[0], x: 0, y: 0, w: 6, h: 4 },
        { view_id: V[1], x: 6, y: 0, w: 6, h: 4 },
      ],
      filters: d.filters,
      time: { from: '2023-01', to: '2023-12' },
    });
    expect(boardOfUrl(d).panels.map((p) => p.view_id)).toEqual(d.views);
  });

  it('makes imported names unique, as the server wants them per org', () => {
    expect(uniqueNames(['Painel sem nome', 'Sul', 'Painel sem nome', 'Sul'], ['Sul'])).toEqual(['Painel sem nome', 'Sul (2)', 'Painel sem nome (2)', 'Sul (3)']);
  });

  it('remembers the import choice per org', () => {
    const s = new MemoryStorage();
    expect(importChoice('porto-sul', s)).toBeNull();
    rememberImportChoice('porto-sul', 'dismissed', s);
    expect(importChoice('porto-sul', s)).toBe('dismissed');
    expect(importChoice('agro-nordeste', s)).toBeNull();
    s.setItem('mirante.dashboards.x.import', 'maybe');
    expect(importChoice('x', s)).toBeNull();
  });
});

describe('a view in use', () => {
  it("reads used_by from a 409 problem's extensions, and nothing from other errors", async () => {
    const { ApiError } = await import('../src/api/client');
    const { usedByOf } = await import('../src/api/dashboards');
    const e = new ApiError(409, {
      type: 'urn:mirante:problem:view-in-use',
      title: 'view in use',
      used_by: [{ kind: 'dashboard', id: 'd1', name: 'Portos' }, { kind: 'schedule', id: 's1', name: 'Semanal' }, { kind: 'other', id: 'x', name: 'x' }],
      private_dashboards: 2,
    } as ConstructorParameters<typeof ApiError>[1]);
    expect(usedByOf(e)).toEqual({ uses: [{ kind: 'dashboard', id: 'd1', name: 'Portos' }, { kind: 'schedule', id: 's1', name: 'Semanal' }], privateDashboards: 2 });
    // A 409 that is not about a view in use.
    expect(usedByOf(new ApiError(409, { title: 'view in use' }))).toBeNull();
    expect(usedByOf(new ApiError(412, { title: 'precondition failed' }))).toBeNull();
    expect(usedByOf(new Error('x'))).toBeNull();
  });
});
