// Human sentences about a spec: its title, filters, period, watermark and
// source, shown under charts and written into every export.
import type { DatasetInfo, Filter, Locale, QueryMeta, QuerySpec } from '../api/types';
import { formatDateTime, formatPeriod, pickText } from './format';
import { splitMeasure } from './spec';

export type TFn = (key: string, opts?: Record<string, unknown>) => string;

export function measureTitle(ref: string, ds: DatasetInfo | undefined, locale: Locale, t: TFn): string {
  const { id, transform } = splitMeasure(ref);
  const m = ds?.measures.find((x) => x.id === id);
  const base = m ? pickText(m.title, locale, id) : id;
  return transform ? `${base} — ${t(`transforms.${transform}`)}` : base;
}

export function defaultTitle(spec: QuerySpec, ds: DatasetInfo | undefined, locale: Locale, t: TFn): string {
  const measures = spec.measures.map((r) => measureTitle(r, ds, locale, t)).join(', ');
  const dsTitle = ds ? pickText(ds.title, locale, ds.id) : spec.dataset;
  return measures ? `${measures} · ${dsTitle}` : dsTitle;
}

function valueText(f: Filter, ds: DatasetInfo | undefined, locale: Locale): string {
  const dim = ds?.dimensions.find((d) => d.id === f.field);
  const isTime = dim && ['month', 'quarter', 'year'].includes(dim.type);
  const one = (v: string) => (isTime ? formatPeriod(v, locale) : v);
  if (Array.isArray(f.value)) return f.value.map(one).join(', ');
  return one(f.value);
}

export function describeFilter(f: Filter, ds: DatasetInfo | undefined, locale: Locale, t: TFn): string {
  const dim = ds?.dimensions.find((d) => d.id === f.field);
  const field = dim ? pickText(dim.title, locale, dim.id) : f.field;
  if (f.op === 'between' && Array.isArray(f.value)) return t('describe.between', { field, from: valueText({ ...f, value: f.value[0] ?? '' }, ds, locale), to: valueText({ ...f, value: f.value[1] ?? '' }, ds, locale) });
  return t(`describe.op.${f.op}`, { field, value: valueText(f, ds, locale) });
}

export function describeFilters(filters: Filter[] | undefined, ds: DatasetInfo | undefined, locale: Locale, t: TFn): string {
  if (!filters || !filters.length) return t('describe.noFilters');
  return filters.map((f) => describeFilter(f, ds, locale, t)).join('; ');
}

export function describePeriod(spec: QuerySpec, locale: Locale, t: TFn): string {
  const { from, to, grain } = spec.time ?? {};
  const g = grain ? t(`grains.${grain}`) : t('grains.none');
  if (from && to) return t('describe.periodRange', { from: formatPeriod(from, locale), to: formatPeriod(to, locale), grain: g });
  if (from) return t('describe.periodFrom', { from: formatPeriod(from, locale), grain: g });
  if (to) return t('describe.periodTo', { to: formatPeriod(to, locale), grain: g });
  return t('describe.periodAll', { grain: g });
}

export function describeValues(spec: QuerySpec, locale: Locale, t: TFn): string {
  const parts = [spec.real ? t('describe.real', { base: formatPeriod(spec.real.base, locale) }) : t('describe.nominal')];
  if (spec.per_capita) parts.push(t('describe.perCapita'));
  return parts.join(', ');
}

export function sourceName(ds: DatasetInfo | undefined, t: TFn): string {
  if (!ds) return '';
  const key = `sources.${ds.source ?? ds.id}`;
  const name = t(key);
  return name === key ? (ds.source ?? ds.id) : name;
}

export function describeSource(ds: DatasetInfo | undefined, locale: Locale, t: TFn): string {
  if (!ds) return '';
  return t('describe.source', { source: sourceName(ds, t), dataset: pickText(ds.title, locale, ds.id), version: ds.indicator_version });
}

export function describeWatermark(watermark: string | undefined, locale: Locale, t: TFn): string {
  return watermark ? t('describe.watermark', { period: formatPeriod(watermark, locale) }) : t('describe.noWatermark');
}

/** The label/value lines every export carries. */
export function exportLines(
  spec: QuerySpec,
  ds: DatasetInfo | undefined,
  watermark: string | undefined,
  locale: Locale,
  t: TFn,
  extra: { org?: string; url?: string; now?: Date; provenance?: Pick<QueryMeta, 'synthetic' | 'source_status'> } = {},
): [string, string][] {
  const now = extra.now ?? new Date();
  const lines: [string, string][] = [
    [t('export.fields.filters'), describeFilters(spec.filters, ds, locale, t)],
    [t('export.fields.period'), describePeriod(spec, locale, t)],
    [t('export.fields.values'), describeValues(spec, locale, t)],
    [t('export.fields.watermark'), describeWatermark(watermark, locale, t)],
    [t('export.fields.source'), describeSource(ds, locale, t)],
  ];
  const p = extra.provenance;
  if (p?.synthetic) lines.push([t('export.fields.provenance'), t('provenance.synthetic')]);
  if (p?.source_status?.last_load_failed) {
    const period = watermark ? formatPeriod(watermark, locale) : '—';
    const at = p.source_status.failed_at;
    lines.push([t('export.fields.lastLoad'), at ? t('provenance.loadFailed', { date: formatDateTime(at, locale), period }) : t('provenance.loadFailedUndated', { period })]);
  }
  if (extra.org) lines.push([t('export.fields.org'), extra.org]);
  lines.push([t('export.fields.generated'), new Intl.DateTimeFormat(locale === 'en' ? 'en-US' : 'pt-BR', { dateStyle: 'short', timeStyle: 'short' }).format(now)]);
  if (extra.url) lines.push([t('export.fields.link'), extra.url]);
  return lines;
}
