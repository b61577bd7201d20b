// Dashboards. The API has no dashboards resource and a view's config must be a
// valid query spec, so a dashboard lives in the URL: the ids of its saved
// views plus shared filters and a shared time range, applied to every view
// whose dataset has the field. One dashboard serves every tenant and client:
// the shared filters are its parameters. A dashboard can also be kept in
// localStorage (per org) under a name, for the list on the dashboards screen.
import type { DatasetInfo, Filter, QuerySpec } from '../api/types';
import { isMonth, isYear, normaliseSpec } from './spec';

export interface Dashboard {
  name: string;
  views: string[];
  filters: Filter[];
  from?: string;
  to?: string;
}

export interface SavedDashboard extends Dashboard {
  id: string;
  updated_at: string;
}

const VIEW_ID_RE = /^[A-Za-z0-9-]{1,64}$/;

export function dashboardToParams(d: Dashboard, lang?: string): URLSearchParams {
  const p = new URLSearchParams();
  if (lang) p.set('lang', lang);
  if (d.name) p.set('name', d.name);
  if (d.views.length) p.set('v', d.views.join(','));
  if (d.filters.length) p.set('f', JSON.stringify(d.filters.map((f) => [f.field, f.op, f.value])));
  if (d.from) p.set('from', d.from);
  if (d.to) p.set('to', d.to);
  return p;
}

export function paramsToDashboard(p: URLSearchParams): Dashboard {
  const views = (p.get('v') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => VIEW_ID_RE.test(s));
  let filters: Filter[] = [];
  try {
    const raw = JSON.parse(p.get('f') ?? '[]') as unknown;
    if (Array.isArray(raw)) {
      filters = raw
        .filter((x): x is [string, string, unknown] => Array.isArray(x) && x.length === 3 && typeof x[0] === 'string' && typeof x[1] === 'string')
        .map(([field, op, value]) => ({ field, op: op as Filter['op'], value: Array.isArray(value) ? value.map(String) : String(value) }));
    }
  } catch {
    filters = [];
  }
  const d: Dashboard = { name: (p.get('name') ?? '').slice(0, 200), views: [...new Set(views)].slice(0, 12), filters };
  const from = p.get('from');
  const to = p.get('to');
  if (from && (isMonth(from) || isYear(from))) d.from = from;
  if (to && (isMonth(to) || isYear(to))) d.to = to;
  return d;
}

export interface Applied {
  spec: QuerySpec;
  applied: string[];
  skipped: string[];
}

/** A view's spec with the dashboard's shared filters and time range applied. */
export function applyShared(spec: QuerySpec, d: Pick<Dashboard, 'filters' | 'from' | 'to'>, ds?: DatasetInfo): Applied {
  const applied: string[] = [];
  const skipped: string[] = [];
  let filters = [...(spec.filters ?? [])];
  for (const f of d.filters) {
    const dim = ds?.dimensions.find((x) => x.id === f.field);
    if (!dim || !dim.operators.includes(f.op)) {
      skipped.push(f.field);
      continue;
    }
    filters = filters.filter((x) => x.field !== f.field);
    filters.push({ ...f });
    applied.push(f.field);
  }
  let time = spec.time ? { ...spec.time } : undefined;
  if (d.from || d.to) {
    time = { ...time };
    if (d.from) time.from = d.from;
    if (d.to) time.to = d.to;
    applied.push('time');
  }
  return { spec: normaliseSpec({ ...spec, filters, time }), applied, skipped };
}

const storageKey = (org: string) => `mirante.dashboards.${org}`;

export function loadDashboards(org: string, storage: Pick<Storage, 'getItem'> = localStorage): SavedDashboard[] {
  try {
    const raw = JSON.parse(storage.getItem(storageKey(org)) ?? '[]') as unknown;
    return Array.isArray(raw) ? (raw as SavedDashboard[]).filter((d) => d && typeof d.id === 'string' && Array.isArray(d.views)) : [];
  } catch {
    return [];
  }
}

export function saveDashboard(org: string, d: Dashboard, id?: string, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): SavedDashboard {
  const list = loadDashboards(org, storage);
  const saved: SavedDashboard = { ...d, id: id ?? Math.random().toString(36).slice(2, 10), updated_at: new Date().toISOString() };
  const next = [saved, ...list.filter((x) => x.id !== saved.id)].slice(0, 50);
  storage.setItem(storageKey(org), JSON.stringify(next));
  return saved;
}

export function deleteDashboard(org: string, id: string, storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): void {
  storage.setItem(storageKey(org), JSON.stringify(loadDashboards(org, storage).filter((x) => x.id !== id)));
}
