// Usage as human figures: today's data against the plan ("1,2 GB de 10 GB"),
// the last 30 days as a small chart and a table, and each member's activity.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useDatasets, useMembers, useOrg, useUsage, useViews } from '../../api/hooks';
import type { Usage as UsageData, UsageDay } from '../../api/types';
import { Alert, Spinner, Table } from '../../ui';
import { errorText, useOrgContext } from '../../layout/Shell';
import { useLocale } from '../../layout/nav';
import { formatBytes, formatDate, formatDateTime, formatInteger, pickText } from '../../lib/format';
import { bytesOfPlan, personName, shareOf } from './figures';
import type { QueryState } from './Admin';

export default function Usage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const usage = useUsage(org.slug);
  const detail = useOrg(org.slug);
  const members = useMembers(org.slug);
  const views = useViews(org.slug);
  const datasets = useDatasets(org.slug);
  const rows: [string, string][] = [
    [t('admin.plan'), detail.data?.plan ?? '—'],
    [t('admin.isolation'), detail.data ? t(`admin.isolations.${detail.data.isolation}`) : '—'],
    [t('admin.memberCount'), members.data ? formatInteger(members.data.length, locale) : '—'],
    [t('admin.viewCount'), views.data ? formatInteger(views.data.length, locale) : '—'],
    [t('admin.datasetCount'), datasets.data ? formatInteger(datasets.data.length, locale) : '—'],
  ];
  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">{t('admin.usage')}</h2>
      <UsageStatus query={usage} />
      <Table caption={t('admin.orgFacts')} rows={rows} rowKey={(r) => r[0]} columns={[{ key: 'k', header: t('admin.item'), rowHeader: true, cell: (r) => r[0] }, { key: 'v', header: t('admin.value'), cell: (r) => r[1] }]} />
      {datasets.data ? (
        <Table
          caption={t('admin.limitsCaption')}
          rows={datasets.data}
          rowKey={(d) => d.id}
          columns={[
            { key: 'ds', header: t('explore.dataset'), rowHeader: true, cell: (d) => pickText(d.title, locale, d.id) },
            { key: 'rows', header: t('admin.maxRows'), align: 'end', cell: (d) => formatInteger(d.limits.max_rows, locale) },
            { key: 'span', header: t('admin.maxSpan'), align: 'end', cell: (d) => formatInteger(d.limits.max_span_months, locale) },
            { key: 'dims', header: t('admin.maxDims'), align: 'end', cell: (d) => formatInteger(d.limits.max_dimensions, locale) },
          ]}
        />
      ) : null}
    </section>
  );
}

/** GET /v1/orgs/{org}/usage as figures; the endpoint exists, so a failure (404 included) is shown as an error. */
export function UsageStatus({ query }: { query: QueryState<UsageData> }) {
  const { t } = useTranslation();
  if (query.isError) return <Alert tone="error">{errorText(t, query.error)}</Alert>;
  if (query.isPending) return <Spinner label={t('common.loading')} />;
  return query.data ? <UsageFigures usage={query.data} /> : null;
}

/** Today against the plan, then the period per day and per member. */
export function UsageFigures({ usage: u }: { usage: UsageData }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const meters = [
    { k: 'bytes_processed', label: t('admin.dataToday'), used: u.bytes_processed?.used ?? 0, limit: u.bytes_processed?.limit, text: bytesOfPlan(t, u.bytes_processed?.used ?? 0, u.bytes_processed?.limit, locale) },
    { k: 'queries', label: t('admin.queriesToday'), used: u.queries?.used ?? 0, limit: u.queries?.limit, text: countOf(t, u.queries?.used ?? 0, u.queries?.limit, locale) },
    { k: 'reports', label: t('admin.reportsToday'), used: u.reports?.used ?? 0, limit: u.reports?.limit, text: countOf(t, u.reports?.used ?? 0, u.reports?.limit, locale) },
    { k: 'uploads', label: t('admin.uploadsToday'), used: u.uploads?.used ?? 0, limit: u.uploads?.limit, text: countOf(t, u.uploads?.used ?? 0, u.uploads?.limit, locale) },
  ];
  return (
    <>
      <ul className="meters usage-meters">
        {meters.map((m) => (
          <li key={m.k}>
            <span className="meter-label" id={`meter-${m.k}`}>
              {m.label}
            </span>
            {m.limit ? <progress aria-labelledby={`meter-${m.k}`} aria-valuetext={m.text} max={1} value={shareOf(m.used, m.limit)} /> : null}
            <span className="meter-figure">{m.text}</span>
          </li>
        ))}
      </ul>
      {u.resets_at ? <p className="small muted">{t('admin.resetsAt', { at: formatDateTime(u.resets_at, locale) })}</p> : null}
      {u.history ? <UsageHistory history={u.history} limit={u.bytes_processed?.limit} /> : null}
    </>
  );
}

function countOf(t: (k: string, o?: Record<string, unknown>) => string, used: number, limit: number | undefined, locale: string): string {
  return limit ? t('admin.countOf', { used: formatInteger(used, locale), limit: formatInteger(limit, locale) }) : formatInteger(used, locale);
}

function UsageHistory({ history: h, limit }: { history: NonNullable<UsageData['history']>; limit?: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const total = h.days.reduce((s, d) => s + d.bytes_processed, 0);
  const range = { from: formatDate(`${h.from}T12:00:00Z`, locale), to: formatDate(`${h.to}T12:00:00Z`, locale) };
  return (
    <>
      <h3>{t('admin.usageTrend', range)}</h3>
      <p>{t('admin.usagePeriodTotal', { bytes: formatBytes(total, locale), queries: formatInteger(h.days.reduce((s, d) => s + d.queries, 0), locale) })}</p>
      <TrendChart days={h.days} limit={limit} />
      <details className="usage-days">
        <summary>{t('admin.usagePerDay')}</summary>
        <Table
          caption={t('admin.usagePerDayCaption', range)}
          rows={[...h.days].reverse()}
          rowKey={(d) => d.day}
          columns={[
            { key: 'day', header: t('admin.day'), rowHeader: true, cell: (d) => formatDate(`${d.day}T12:00:00Z`, locale) },
            { key: 'bytes', header: t('admin.dataProcessed'), align: 'end', cell: (d) => formatBytes(d.bytes_processed, locale) },
            { key: 'queries', header: t('admin.usageItems.queries'), align: 'end', cell: (d) => formatInteger(d.queries, locale) },
            { key: 'reports', header: t('admin.usageItems.reports'), align: 'end', cell: (d) => formatInteger(d.reports, locale) },
            { key: 'uploads', header: t('admin.usageItems.uploads'), align: 'end', cell: (d) => formatInteger(d.uploads, locale) },
          ]}
        />
      </details>
      <Table
        caption={t('admin.usagePerUserCaption', range)}
        rows={h.users}
        rowKey={(m) => m.user_id}
        empty={t('admin.usagePerUserEmpty')}
        columns={[
          { key: 'who', header: t('admin.person'), rowHeader: true, cell: (m) => (m.email ? `${personName(m.email)} (${m.email})` : t('admin.formerMember')) },
          { key: 'queries', header: t('admin.usageItems.queries'), align: 'end', cell: (m) => formatInteger(m.queries, locale) },
          { key: 'reports', header: t('admin.usageItems.reports'), align: 'end', cell: (m) => formatInteger(m.reports, locale) },
          { key: 'uploads', header: t('admin.usageItems.uploads'), align: 'end', cell: (m) => formatInteger(m.uploads, locale) },
          { key: 'actions', header: t('admin.requests'), align: 'end', cell: (m) => formatInteger(m.actions, locale) },
        ]}
      />
    </>
  );
}

/**
 * Bytes processed per day as bars, an accessible inline SVG (role img, with a
 * sentence naming the busiest day; the table beside it holds every figure).
 * The plan's daily limit is drawn as a line when a day came near it.
 */
export function TrendChart({ days, limit }: { days: UsageDay[]; limit?: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const cap = useId();
  const W = 600;
  const H = 140;
  const pad = { l: 8, r: 8, t: 10, b: 22 };
  const peak = days.reduce((m, d) => (d.bytes_processed > m.bytes_processed ? d : m), days[0] ?? { day: '', bytes_processed: 0 } as UsageDay);
  const top = Math.max(peak.bytes_processed, limit && peak.bytes_processed > limit / 2 ? limit : 0, 1);
  const bw = (W - pad.l - pad.r) / Math.max(days.length, 1);
  const y = (v: number) => H - pad.b - (v / top) * (H - pad.t - pad.b);
  const label = peak.bytes_processed
    ? t('admin.trendLabel', { days: days.length, peak: formatBytes(peak.bytes_processed, locale), day: formatDate(`${peak.day}T12:00:00Z`, locale) })
    : t('admin.trendEmpty', { days: days.length });
  return (
    <figure className="usage-trend">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={cap} width="100%" preserveAspectRatio="none" className="usage-trend-svg">
        <line x1={pad.l} x2={W - pad.r} y1={H - pad.b} y2={H - pad.b} stroke="currentColor" strokeOpacity="0.4" />
        {days.map((d, i) => (
          <rect key={d.day} x={pad.l + i * bw + 1} width={Math.max(bw - 2, 1)} y={y(d.bytes_processed)} height={H - pad.b - y(d.bytes_processed)} className="usage-trend-bar">
            <title>{`${formatDate(`${d.day}T12:00:00Z`, locale)}: ${formatBytes(d.bytes_processed, locale)}`}</title>
          </rect>
        ))}
        {limit && top === limit ? <line x1={pad.l} x2={W - pad.r} y1={y(limit)} y2={y(limit)} stroke="currentColor" strokeDasharray="4 3" /> : null}
        {days.length ? (
          <>
            <text x={pad.l} y={H - 6} fontSize="11" fill="currentColor">
              {formatDate(`${days[0].day}T12:00:00Z`, locale)}
            </text>
            <text x={W - pad.r} y={H - 6} fontSize="11" fill="currentColor" textAnchor="end">
              {formatDate(`${days[days.length - 1].day}T12:00:00Z`, locale)}
            </text>
          </>
        ) : null}
      </svg>
      <figcaption id={cap} className="small muted">
        {label}
      </figcaption>
    </figure>
  );
}
