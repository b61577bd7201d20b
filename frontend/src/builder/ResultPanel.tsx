// One answer on screen: a chart and, always, the table with the same data;
// loading, empty and error states; the watermark and the source under it; and
// the exports. Used by the builder and by every dashboard panel.
import { lazy, Suspense, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DatasetInfo, QueryAnswer, QuerySpec } from '../api/types';
import { useQueryAnswer } from '../api/hooks';
import { chartModel, cellText, codeColumns, columnTitle, tableMatrix, type ChartModel, type Labels } from '../lib/results';
import { describeFilters, describePeriod, describeSource, describeValues, describeWatermark, exportLines } from '../lib/describe';
import type { ChartType } from '../lib/spec';
import { Alert, Button, Spinner } from '../ui';
import { errorText } from '../layout/Shell';
import { useLocale } from '../layout/nav';
import { formatBytes, formatInteger } from '../lib/format';
import type { ChartExport } from '../lib/exports';
import type { ExportMeta } from '../lib/exports/csv';

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
    () => (spec ? { title, lines: exportLines(spec, ds, watermark, locale, t, { org: orgName, url: typeof window !== 'undefined' ? window.location.href : undefined }) } : null),
    [spec, ds, watermark, locale, t, title, orgName],
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

  if (!spec) return null;

  const rows = q.data?.data.length ?? 0;
  const statusText = q.isFetching ? t('results.loading') : q.isError ? t('results.failed') : q.data ? (rows ? t('results.rows', { count: rows, formatted: formatInteger(rows, locale) }) : t('results.empty')) : '';

  return (
    <section className="result-panel" aria-labelledby={headingId}>
      <div className="result-head">
        <H id={headingId} className="result-title">
          {title}
        </H>
        {exports && q.data && model && meta ? <ExportBar data={{ answer: q.data, model, meta, table: table!, chart, codes }} /> : null}
      </div>
      <p className="result-sub">
        {describeFilters(spec.filters, ds, locale, t)} · {describePeriod(spec, locale, t)} · {describeValues(spec, locale, t)}
      </p>
      {note ? <Alert tone="warning">{note}</Alert> : null}
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
              <ChartView model={model} type={chart} locale={locale} label={t('results.chartLabel', { title, type: t(`charts.${chart}`), series: model.series.length, points: model.categories.length })} />
            </Suspense>
          ) : null}
          {model.truncated ? <Alert tone="warning">{t('results.truncated', { max: model.series.length })}</Alert> : null}
          {q.data.next_cursor ? <Alert tone="warning">{t('results.partial', { count: rows })}</Alert> : null}
          {tableCollapsed && chart !== 'table' ? (
            <details className="table-details">
              <summary>{t('results.showTable')}</summary>
              <ResultTable answer={q.data} table={table!} title={title} />
            </details>
          ) : (
            <ResultTable answer={q.data} table={table!} title={title} />
          )}
        </>
      ) : null}
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

function ResultTable({ answer, table, title }: { answer: QueryAnswer; table: { header: string[]; rows: string[][] }; title: string }) {
  const { t } = useTranslation();
  const firstMeasure = answer.columns.findIndex((c) => c.kind === 'measure');
  const rowHeaderIdx = firstMeasure > 0 ? 0 : -1;
  const shown = table.rows.slice(0, 1000);
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('results.tableOf', { title })}>
      <table className="table">
        <caption>
          {t('results.tableCaption', { title, count: answer.data.length })}
          {shown.length < table.rows.length ? ` ${t('results.tableShown', { count: shown.length })}` : ''}
        </caption>
        <thead>
          <tr>
            {table.header.map((h, i) => (
              <th key={i} scope="col" className={answer.columns[i].kind === 'measure' ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, ri) => (
            <tr key={ri}>
              {r.map((v, ci) =>
                ci === rowHeaderIdx ? (
                  <th key={ci} scope="row">
                    {v}
                  </th>
                ) : (
                  <td key={ci} className={answer.columns[ci].kind === 'measure' ? 'num' : undefined}>
                    {v}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ExportBar({ data, extraPdf }: { data: PanelData; extraPdf?: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const labels = useLabels();
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const chartExport: ChartExport = { meta: data.meta, model: data.model, chart: data.chart === 'table' ? 'bar' : data.chart, locale, emptyText: t('results.empty') };
  const run = async (kind: 'png' | 'svg' | 'csv' | 'about' | 'xlsx' | 'pdf') => {
    setBusy(kind);
    setDone(null);
    setError(null);
    try {
      const x = await import('../lib/exports');
      let name = '';
      if (kind === 'png') name = x.exportPNG(chartExport);
      else if (kind === 'svg') name = x.exportSVG(chartExport);
      else if (kind === 'about') name = x.exportAboutCSV(data.meta, locale, t('export.aboutFile'));
      else if (kind === 'csv' || kind === 'xlsx') {
        const m = tableMatrix(data.answer, undefined, locale, labels);
        m.header = data.table.header;
        const units = data.answer.columns.map((c) => (c.kind === 'measure' ? c.unit : undefined));
        name = kind === 'csv' ? x.exportCSV(data.meta, m.header, m.rows, { locale, units, codes: data.codes }) : x.exportXLSX(data.meta, m.header, m.rows, { data: t('export.dataSheet'), about: t('export.aboutSheet') }, units, data.codes);
      } else {
        name = await x.exportPDF({
          title: data.meta.title,
          lines: [],
          panels: [{ export: { ...chartExport, chart: data.chart }, table: data.table }],
          labels: { page: (n, of) => t('export.page', { n, of }), rowsShown: (n, of) => t('export.rowsShown', { n, of }) },
        });
      }
      setDone(t('export.done', { name }));
    } catch (e) {
      setError(t('export.failed', { reason: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(null);
    }
  };
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
