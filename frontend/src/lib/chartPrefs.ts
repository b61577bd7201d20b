// A saved view's config must be a valid query spec (the API refuses unknown
// fields), so the chart type chosen for a view is remembered on this device;
// elsewhere the view opens with the chart that suits its spec.
import type { QuerySpec } from '../api/types';
import { CHART_TYPES, defaultChart, type ChartType } from './spec';

const key = (org: string) => `mirante.charts.${org}`;

function load(org: string): Record<string, ChartType> {
  try {
    const v = JSON.parse(localStorage.getItem(key(org)) ?? '{}') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, ChartType>) : {};
  } catch {
    return {};
  }
}

export function rememberChart(org: string, viewId: string, chart: ChartType): void {
  try {
    const all = load(org);
    all[viewId] = chart;
    localStorage.setItem(key(org), JSON.stringify(all));
  } catch {
    /* storage may be unavailable */
  }
}

export function chartFor(org: string, viewId: string, spec: QuerySpec): ChartType {
  const c = typeof localStorage === 'undefined' ? undefined : load(org)[viewId];
  return c && CHART_TYPES.includes(c) ? c : defaultChart(spec);
}
