// One answer on screen: a chart and, always, the table with the same data;
// loading, empty and error states; the watermark and the source under it; and
// the exports. Used by the builder and by every dashboard panel.
import { lazy, Suspense, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DatasetInfo, QueryAnswer, QuerySpec, Row } from '../api/types';
import { fetchQueryPage, useQueryAnswer } from '../api/hooks';
import { chartModel, cellText, codeColumns, columnTitle, sortedIndexes, tableMatrix, truncatedAt, type ChartModel, type Labels, type SortDir } from '../lib/results';
import { Provenance } from './Provenance';
import { describeFilters, describePeriod, describeSource, describeValues, describeWatermark, exportLines } from '../lib/describe';
import type { ChartType } from '../lib/spec';
import { Alert, Button, Spinner } from '../ui';
import { errorText } from '../layout/Shell';
import { useLocale } from '../layout/nav';
import { formatBytes, formatInteger } from '../lib/format';
import type { ChartExport } from '../lib/exports';
import type { ExportMeta } from '../lib/exports/csv';
import { useExport } from './useExport';
import './interactive.css';

const ChartView = lazy(() => import('../charts/ChartView'));

export interface PanelData {
  answer: QueryAnswer;
  model: ChartModel;
  meta: ExportMeta;
  table: { header: string[]; rows: string[][] };
  chart: ChartType;
  /** Per column, whether it holds codes (NCM, IBGE municipality, …): exported as text, leading zeros kept. */
  codes?: boolean[];
}

export function useLabels(): Labels {
  const { t } = useTranslation();
  return useMemo(
    () => ({ transform: (x: string) => t(`transforms.${x}`), perCapita: t('results.perCapitaSuffix'), real: (base: string) => t('results.realSuffix', { base }), name: t('results.name') }),
    [t],
  );
}

export function ResultPanel({
  org,
  orgName,
  spec,
  ds,
  chart,
  title,
  headingLevel = 2,
  tableCollapsed,
  exports = true,
  onData,
  note,
  onPick,
  canPick,
  pickLabel,
  above,
  actions,
}: {
  org: string;
  orgName?: string;
  spec: QuerySpec | null;
  ds?: DatasetInfo;
  chart: ChartType;
  title: string;
  headingLevel?: 2 | 3;
  tableCollapsed?: boolean;
  exports?: boolean;
  onData?: (d: PanelData | null) => void;
  note?: string;
  /** A click on a category of the x axis (chart or table); offered only where canPick says the dimension takes it. */
  onPick?: (p: Pick) => void;
  canPick?: (dim: string) => boolean;
  /** The accessible name of a category's button in the table. */
  pickLabel?: (label: string, dim: string) => string;
  /** Shown above the chart (a drill-down breadcrumb, a cross-filter chip). */
  above?: ReactNode;
  /** Shown beside the title (e.g. "Open in Explore"). */
  actions?: ReactNode;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const labels = useLabels();
  const q = useQueryAnswer(org, spec);
  const headingId = useId();
  const H = headingLevel === 2 ? 'h2' : 'h3';

  const model = useMemo(() => (q.data ? chartModel(q.data, ds, locale, labels, spec ?? undefined) : null), [q.data, ds, locale, labels, spec]);
  const watermark = q.data?.meta.watermark || ds?.watermark || '';
  const meta: ExportMeta | null = useMemo(
    () =>
      spec
        ? { title, lines: exportLines(spec, ds, watermark, locale, t, { org: orgName, url: typeof window !== 'undefined' ? window.location.href : undefined, provenance: q.data?.meta }) }
        : null,
    [spec, ds, watermark, locale, t, title, orgName, q.data?.meta],
  );
  const table = useMemo(() => {
    if (!q.data) return null;
    return {
      header: q.data.columns.map((c) => columnTitle(c, ds, locale, labels, spec ?? undefined)),
      rows: q.data.data.map((r) => q.data!.columns.map((c) => cellText(r[c.name], c, locale))),
    };
  }, [q.data, ds, locale, labels, spec]);

  const codes = useMemo(() => (q.data ? codeColumns(q.data.columns, ds) : undefined), [q.data, ds]);

  useEffect(() => {
    if (!onData) return;
    onData(q.data && model && meta && table ? { answer: q.data, model, meta, table, chart, codes } : null);
  }, [q.data, model, meta, table, chart, codes, onData]);

  const pickDim = model && model.x && onPick && (!canPick || canPick(model.x)) ? model.x : undefined;
  const cut = q.data ? truncatedAt(q.data, spec ?? undefined, ds) : null;

  if (!spec) return null;

  const rows = q.data?.data.length ?? 0;
  const statusText = q.isFetching ? t('results.loading') : q.isError ? t('results.failed') : q.data ? (rows ? t('results.rows', { count: rows, formatted: formatInteger(rows, locale) }) : t('results.empty')) : '';

  return (
    <section className="result-panel" aria-labelledby={headingId}>
      <div className="result-head">
        <H id={headingId} className="result-title">
          {title}
        </H>
        {actions || (exports && q.data && model && meta) ? (
          <div className="btn-group">
            {actions}
            {exports && q.data && model && meta ? <ExportBar data={{ answer: q.data, model, meta, table: table!, chart, codes }} /> : null}
          </div>
        ) : null}
      </div>
      <p className="result-sub">
        {describeFilters(spec.filters, ds, locale, t)} · {describePeriod(spec, locale, t)} · {describeValues(spec, locale, t)}
      </p>
      {note ? <Alert tone="warning">{note}</Alert> : null}
      {above}
      <p className="visually-hidden" role="status" aria-live="polite">
        {statusText}
      </p>
      {q.isPending && q.isFetching ? <Spinner label={t('results.loading')} /> : null}
      {q.isError ? (
        <Alert tone="error" title={t('results.failed')} action={<Button onClick={() => q.refetch()}>{t('common.retry')}</Button>}>
          {errorText(t, q.error)}
        </Alert>
      ) : null}
      {q.data && rows === 0 ? <Alert tone="info" title={t('results.empty')}>{t('results.emptyHelp')}</Alert> : null}
      {q.data && rows > 0 && model ? (
        <>
          {chart !== 'table' ? (
            <Suspense fallback={<Spinner label={t('results.loadingChart')} />}>
              <ChartView
                model={model}
                type={chart}
                locale={locale}
                label={t('results.chartLabel', { title, type: t(`charts.${chart}`), series: model.series.length, points: model.categories.length }) + (pickDim ? ` ${t('results.chartClickable')}` : '')}
                onPick={pickDim ? (i) => onPick!({ dim: pickDim, key: model.keys[i], label: model.categories[i] }) : undefined}
              />
            </Suspense>
          ) : null}
          {model.truncated ? <Alert tone="warning">{t('results.truncated', { max: model.series.length })}</Alert> : null}
          {cut ? <Alert tone="warning">{t('results.cut', { max: formatInteger(cut, locale) })}</Alert> : null}
          {q.data.next_cursor ? <Alert tone="warning">{t('results.partial', { count: rows })}</Alert> : null}
          {tableCollapsed && chart !== 'table' ? (
            <details className="table-details">
              <summary>{t('results.showTable')}</summary>
              <ResultTable org={org} answer={q.data} ds={ds} spec={spec} title={title} pickDim={pickDim} onPick={onPick} pickLabel={pickLabel} />
            </details>
          ) : (
            <ResultTable org={org} answer={q.data} ds={ds} spec={spec} title={title} pickDim={pickDim} onPick={onPick} pickLabel={pickLabel} />
          )}
        </>
      ) : null}
      <Provenance meta={q.data?.meta} locale={locale} />
      <p className="source-line">
        <span>{describeWatermark(watermark, locale, t)}</span>
        {ds ? <span> · {t('export.fields.source')}: {describeSource(ds, locale, t)}</span> : null}
        {q.data ? (
          <span className="muted">
            {' '}
            · {t('results.engine', { engine: q.data.meta.engine, cache: t(`results.cache.${q.data.meta.cache}`, { defaultValue: q.data.meta.cache }), bytes: formatBytes(q.data.meta.bytes_processed, locale) })}
          </span>
        ) : null}
      </p>
    </section>
  );
}

const PAGE_SIZE = 100;

/** A clickable category of the chart's x axis: the dimension, the raw key and what people read. */
export interface Pick {
  dim: string;
  key: string;
  label: string;
}

/**
 * The answer as a table: columns sort on a click of their header (aria-sort),
 * rows come a page at a time, and a answer with a next_cursor left (beyond the
 * rows gathered at once) loads on through GET /query?cursor=.
 */
function ResultTable({ org, answer, ds, spec, title, pickDim, onPick, pickLabel }: { org: string; answer: QueryAnswer; ds?: DatasetInfo; spec?: QuerySpec; title: string; pickDim?: string; onPick?: (p: Pick) => void; pickLabel?: (label: string, dim: string) => string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const labels = useLabels();
  const [more, setMore] = useState<{ rows: Row[]; cursor: string | null; busy: boolean; error: string | null }>({ rows: [], cursor: answer.next_cursor, busy: false, error: null });
  const [sort, setSort] = useState<{ col: number; dir: SortDir } | null>(null);
  const [page, setPage] = useState(0);
  useEffect(() => {
    setMore({ rows: [], cursor: answer.next_cursor, busy: false, error: null });
    setPage(0);
  }, [answer]);
  const rows = useMemo(() => (more.rows.length ? [...answer.data, ...more.rows] : answer.data), [answer.data, more.rows]);
  const order = useMemo(() => (sort ? sortedIndexes(rows, answer.columns[sort.col], sort.dir, locale) : null), [rows, sort, answer.columns, locale]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const at = Math.min(page, pages - 1);
  const shown = (order ?? rows.map((_, i) => i)).slice(at * PAGE_SIZE, (at + 1) * PAGE_SIZE);
  const firstMeasure = answer.columns.findIndex((c) => c.kind === 'measure');
  const rowHeaderIdx = firstMeasure > 0 ? 0 : -1;
  const pickCol = pickDim && onPick ? answer.columns.findIndex((c) => c.kind === 'dimension' && c.name === pickDim) : -1;
  const headers = answer.columns.map((c) => columnTitle(c, ds, locale, labels, spec));
  const loadMore = async () => {
    if (!more.cursor) return;
    setMore((m) => ({ ...m, busy: true, error: null }));
    try {
      const p = await fetchQueryPage(org, more.cursor);
      setMore((m) => ({ rows: [...m.rows, ...p.data], cursor: p.next_cursor, busy: false, error: null }));
    } catch (e) {
      setMore((m) => ({ ...m, busy: false, error: errorText(t, e) }));
    }
  };
  const cell = (r: Row, ci: number) => {
    const c = answer.columns[ci];
    const text = cellText(r[c.name], c, locale);
    if (ci !== pickCol || r[c.name] == null) return text;
    const labelCol = ds?.dimensions.find((d) => d.id === c.name)?.label;
    const label = labelCol && r[labelCol] != null ? String(r[labelCol]) : text;
    return (
      <button type="button" className="link-button" aria-label={pickLabel ? pickLabel(label, c.name) : undefined} onClick={() => onPick!({ dim: c.name, key: String(r[c.name]), label })}>
        {text}
      </button>
    );
  };
  return (
    <>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('results.tableOf', { title })}>
        <table className="table">
          <caption>
            {t('results.tableCaption', { title, count: rows.length })}
            {pages > 1 ? ` ${t('results.pageOf', { n: at + 1, of: pages })}` : ''}
          </caption>
          <thead>
            <tr>
              {headers.map((h, i) => {
                const dir = sort?.col === i ? sort.dir : undefined;
                return (
                  <th key={i} scope="col" aria-sort={dir ?? 'none'} className={answer.columns[i].kind === 'measure' ? 'num' : undefined}>
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() => {
                        setSort({ col: i, dir: dir === 'ascending' ? 'descending' : 'ascending' });
                        setPage(0);
                      }}
                    >
                      {h}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((ri) => (
              <tr key={ri}>
                {answer.columns.map((_, ci) =>
                  ci === rowHeaderIdx ? (
                    <th key={ci} scope="row">
                      {cell(rows[ri], ci)}
                    </th>
                  ) : (
                    <td key={ci} className={answer.columns[ci].kind === 'measure' ? 'num' : undefined}>
                      {cell(rows[ri], ci)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 || more.cursor ? (
        <nav className="btn-group table-pager" aria-label={t('results.pager', { title })}>
          <Button size="sm" disabled={at === 0} onClick={() => setPage(at - 1)}>
            {t('results.prevPage')}
          </Button>
          <span>{t('results.pageOf', { n: at + 1, of: pages })}</span>
          <Button size="sm" disabled={at >= pages - 1} onClick={() => setPage(at + 1)}>
            {t('results.nextPage')}
          </Button>
          {more.cursor ? (
            <Button size="sm" busy={more.busy} onClick={() => void loadMore()}>
              {t('results.loadMore')}
            </Button>
          ) : null}
        </nav>
      ) : null}
      {more.error ? <Alert tone="error">{more.error}</Alert> : null}
    </>
  );
}

export function ExportBar({ data, extraPdf }: { data: PanelData; extraPdf?: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const labels = useLabels();
  const { busy, done, error, run: start, pdfLabels } = useExport<'png' | 'svg' | 'csv' | 'about' | 'xlsx' | 'pdf'>();
  const chartExport: ChartExport = { meta: data.meta, model: data.model, chart: data.chart === 'table' ? 'bar' : data.chart, locale, emptyText: t('results.empty') };
  const run = (kind: 'png' | 'svg' | 'csv' | 'about' | 'xlsx' | 'pdf') =>
    start(kind, (x) => {
      if (kind === 'png') return x.exportPNG(chartExport);
      if (kind === 'svg') return x.exportSVG(chartExport);
      if (kind === 'about') return x.exportAboutCSV(data.meta, locale, t('export.aboutFile'));
      if (kind === 'csv' || kind === 'xlsx') {
        const m = tableMatrix(data.answer, undefined, locale, labels);
        m.header = data.table.header;
        const units = data.answer.columns.map((c) => (c.kind === 'measure' ? c.unit : undefined));
        return kind === 'csv' ? x.exportCSV(data.meta, m.header, m.rows, { locale, units, codes: data.codes }) : x.exportXLSX(data.meta, m.header, m.rows, { data: t('export.dataSheet'), about: t('export.aboutSheet') }, units, data.codes, locale);
      }
      return x.exportPDF({ title: data.meta.title, lines: [], panels: [{ export: { ...chartExport, chart: data.chart }, table: data.table }], labels: pdfLabels });
    });
  void extraPdf;
  return (
    <div className="export-bar">
      <div role="group" aria-label={t('export.group')} className="btn-group">
        {(['png', 'svg', 'csv', 'about', 'xlsx', 'pdf'] as const).map((k) => (
          <Button key={k} size="sm" busy={busy === k} disabled={!!busy} onClick={() => void run(k)} aria-label={t(`export.${k}Long`)}>
            {t(`export.${k}`)}
          </Button>
        ))}
      </div>
      <p className="visually-hidden" role="status">
        {done ?? ''}
      </p>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </div>
  );
}
