// Dashboards. A dashboard is a tenant resource (api/dashboards.ts): panels of
// saved views on a grid of 12 columns, shared filters and a shared time range
// applied to every view whose dataset has the field. Ad-hoc dashboards that
// live in a URL (?v=view ids&f=&from=&to=&name=) keep working, and those a
// browser keeps in localStorage (per org) are offered for import to the
// server once.
import type { DatasetInfo, Filter, QuerySpec } from '../api/types';
import type { DashboardDoc, DashboardInput, DashboardPanel } from '../api/dashboards';
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

/** Whether a filter keeps more than one value of its field. */
function manyValues(f: Filter): boolean {
  if (f.op === 'eq') return false;
  if (f.op === 'in') return !Array.isArray(f.value) || f.value.length !== 1;
  return true;
}

/**
 * A view's spec with the dashboard's shared filters and time range applied. A
 * shared filter that would leave several values of a non-additive dimension
 * (flows, accounts, metrics) in a panel that does not group by it is skipped
 * there: the panel keeps its own single value rather than add them up.
 */
export function applyShared(spec: QuerySpec, d: Pick<Dashboard, 'filters' | 'from' | 'to'>, ds?: DatasetInfo): Applied {
  const applied: string[] = [];
  const skipped: string[] = [];
  let filters = [...(spec.filters ?? [])];
  for (const f of d.filters) {
    const dim = ds?.dimensions.find((x) => x.id === f.field);
    if (!dim || !dim.operators.includes(f.op) || (dim.additive === false && manyValues(f) && !(spec.dimensions ?? []).includes(f.field))) {
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

export const GRID_COLUMNS = 12;
export const PANEL_HEIGHT = 4;
/** The widths offered for a panel, in grid columns. */
export const PANEL_WIDTHS = [4, 6, 8, 12];

/** What a board shows: its panels in reading order and the shared filters and time. */
export interface Board {
  name: string;
  panels: { view_id: string; w: number; title?: string }[];
  filters: Filter[];
  from?: string;
  to?: string;
}

/** Panels in reading order (row, then column). */
export function readingOrder(panels: DashboardPanel[]): DashboardPanel[] {
  return [...panels].sort((a, b) => a.y - b.y || a.x - b.x);
}

/** Places panels, in order, left to right on rows of 12 columns, a new row when one does not fit. */
export function layoutPanels(list: { view_id: string; w?: number; h?: number; title?: string }[]): DashboardPanel[] {
  let x = 0;
  let y = 0;
  let rowH = 0;
  return list.map((p) => {
    const w = Math.min(GRID_COLUMNS, Math.max(1, Math.round(p.w ?? GRID_COLUMNS / 2)));
    const h = Math.min(12, Math.max(1, Math.round(p.h ?? PANEL_HEIGHT)));
    if (x + w > GRID_COLUMNS) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    const out: DashboardPanel = { view_id: p.view_id, x, y, w, h };
    if (p.title) out.title = p.title;
    x += w;
    rowH = Math.max(rowH, h);
    return out;
  });
}

const hasValue = (f: Filter) => (Array.isArray(f.value) ? f.value.length > 0 && f.value.every((v) => v !== '') : f.value !== '');

/** A server dashboard as a board. */
export function boardOf(d: Pick<DashboardDoc, 'name' | 'panels' | 'filters' | 'time'>): Board {
  const b: Board = { name: d.name, panels: readingOrder(d.panels ?? []).map((p) => ({ view_id: p.view_id, w: p.w, ...(p.title ? { title: p.title } : {}) })), filters: d.filters ?? [] };
  if (d.time?.from) b.from = d.time.from;
  if (d.time?.to) b.to = d.time.to;
  return b;
}

/** A URL dashboard as a board: its views half a row wide each. */
export function boardOfUrl(d: Dashboard): Board {
  return { name: d.name, panels: d.views.map((v) => ({ view_id: v, w: GRID_COLUMNS / 2 })), filters: d.filters, from: d.from, to: d.to };
}

/** The body that creates or saves a board: panels laid out, filters without a value left out. */
export function boardInput(b: Board, extra: Pick<DashboardInput, 'visibility'> & { description?: string }): DashboardInput {
  const time = b.from || b.to ? { ...(b.from ? { from: b.from } : {}), ...(b.to ? { to: b.to } : {}) } : null;
  return { name: b.name.trim(), ...extra, panels: layoutPanels(b.panels), filters: b.filters.filter(hasValue), time };
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A dashboard kept in this browser as a private server dashboard (ids that are not view ids left out). */
export function importInput(d: SavedDashboard, untitled: string): DashboardInput {
  const b = boardOfUrl({ ...d, views: d.views.filter((v) => UUID_RE.test(v)), filters: Array.isArray(d.filters) ? d.filters : [] });
  return boardInput({ ...b, name: (d.name || untitled).slice(0, 200) }, { visibility: 'private' });
}

export type ImportChoice = 'imported' | 'dismissed';
const importKey = (org: string) => `mirante.dashboards.${org}.import`;

/** Whether this browser's dashboards of org were imported or dismissed already. */
export function importChoice(org: string, storage: Pick<Storage, 'getItem'> = localStorage): ImportChoice | null {
  const v = storage.getItem(importKey(org));
  return v === 'imported' || v === 'dismissed' ? v : null;
}

export function rememberImportChoice(org: string, choice: ImportChoice, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(importKey(org), choice);
}

/** Names made unique (dashboard names are unique per org): a repeated name gets " (2)", " (3)", … */
export function uniqueNames(names: string[], taken: Iterable<string> = []): string[] {
  const used = new Set(taken);
  return names.map((n) => {
    let name = n;
    for (let i = 2; used.has(name); i++) name = `${n} (${i})`;
    used.add(name);
    return name;
  });
}
