// A dashboard on screen: its panels on a grid of 12 columns, each a saved view
// with the shared filters and time applied. Clicking a category of a panel
// drills that panel one level down (breadcrumb to go back) and offers the
// value to the other panels as a cross-filter (a chip clears it).
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDatasets, useView } from '../api/hooks';
import type { DatasetInfo, DimensionInfo } from '../api/types';
import { applyShared, type Board } from '../lib/dashboard';
import { canDrill, crossFilterFor, drillBack, drillDown, isTimeDim, withFilter, type CrossFilter } from '../lib/drill';
import { describeFilters, describePeriod } from '../lib/describe';
import { formatDateTime, pickText } from '../lib/format';
import { chartFor } from '../lib/chartPrefs';
import { stateToParams } from '../lib/spec';
import { ResultPanel, type PanelData, type Pick } from '../builder/ResultPanel';
import { DrillTrail } from '../builder/Drill';
import { useExport } from '../builder/useExport';
import { Alert, Button, Spinner } from '../ui';
import { errorText, useOrgContext } from '../layout/Shell';
import { useHref, useLocale } from '../layout/nav';
import '../builder/interactive.css';

export function BoardView({ board }: { board: Board }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const locale = useLocale();
  const datasets = useDatasets(org.slug);
  const panels = useRef(new Map<number, { data: PanelData | null; note?: string }>());
  const [cross, setCross] = useState<CrossFilter | null>(null);
  const { busy, done, error, run, pdfLabels } = useExport<'pdf'>();
  // Shared filters name their fields with any dataset's titles.
  const allDims = useMemo(() => {
    const list = datasets.data ?? [];
    if (!list.length) return undefined;
    const seen = new Map<string, DimensionInfo>();
    for (const d of list) for (const dim of d.dimensions) if (!seen.has(dim.id)) seen.set(dim.id, dim);
    return { ...list[0], dimensions: [...seen.values()] };
  }, [datasets.data]);
  const fieldTitle = (id: string) => {
    const d = allDims?.dimensions.find((x) => x.id === id);
    return d ? pickText(d.title, locale, id) : id;
  };
  const period = board.from || board.to ? describePeriod({ dataset: '', measures: [], time: { from: board.from, to: board.to } }, locale, t) : '';

  const exportPdf = () =>
    run('pdf', (x) => {
      const list = board.panels.map((_, i) => panels.current.get(i)).filter((p): p is { data: PanelData; note?: string } => !!p?.data);
      return x.exportPDF({
        title: board.name || t('dashboards.untitled'),
        lines: [
          [t('dashboards.sharedFilters'), describeFilters(board.filters, allDims, locale, t)],
          [t('export.fields.period'), period || t('dashboards.eachViewPeriod')],
          [t('export.fields.org'), org.name],
          [t('export.fields.generated'), formatDateTime(new Date(), locale)],
          [t('export.fields.link'), window.location.href],
        ],
        panels: list.map(({ data: p, note }) => ({ export: { meta: p.meta, model: p.model, chart: p.chart === 'table' ? 'table' : p.chart, locale, emptyText: t('results.empty') }, table: p.table, note })),
        labels: pdfLabels,
      });
    });

  return (
    <section aria-label={t('dashboards.panels')}>
      <div className="board-head">
        <p className="muted">
          {t('dashboards.sharedFilters')}: {describeFilters(board.filters, allDims, locale, t)}
          {period ? ` · ${period}` : ''}
        </p>
        <div className="btn-group">
          <Button onClick={() => void navigator.clipboard?.writeText(window.location.href)}>{t('explore.copyLink')}</Button>
          <Button variant="primary" busy={!!busy} onClick={() => void exportPdf()} disabled={!board.panels.length}>
            {t('dashboards.exportPdf')}
          </Button>
        </div>
      </div>
      {cross ? (
        <ul className="chips" aria-label={t('dashboards.crossLabel')}>
          <li className="chip">
            {t('dashboards.crossFiltered', { field: fieldTitle(cross.field), value: cross.label })}
            <button type="button" className="chip-remove" onClick={() => setCross(null)} aria-label={t('dashboards.crossClear', { field: fieldTitle(cross.field), value: cross.label })}>
              ×
            </button>
          </li>
        </ul>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      <p className="visually-hidden" role="status">
        {done ?? ''}
      </p>
      {datasets.isPending ? <Spinner label={t('common.loading')} /> : null}
      {!board.panels.length ? <Alert tone="info">{t('dashboards.noPanels')}</Alert> : null}
      <div className="board-grid">
        {board.panels.map((p, i) => (
          <div key={`${p.view_id}-${i}`} className="card panel" style={{ gridColumn: `span ${p.w}` }}>
            <Panel
              index={i}
              viewId={p.view_id}
              title={p.title}
              board={board}
              datasets={datasets.data ?? []}
              cross={cross}
              onCross={setCross}
              onData={(data, note) => panels.current.set(i, { data, note })}
            />
          </div>
        ))}
      </div>
    </section>
  );
}

interface Step {
  dim: string;
  value: string;
  label: string;
}

function Panel({
  index,
  viewId,
  title,
  board,
  datasets,
  cross,
  onCross,
  onData,
}: {
  index: number;
  viewId: string;
  title?: string;
  board: Board;
  datasets: DatasetInfo[];
  cross: CrossFilter | null;
  onCross: (c: CrossFilter | null) => void;
  onData: (d: PanelData | null, note?: string) => void;
}) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const href = useHref();
  const view = useView(org.slug, viewId);
  const [steps, setSteps] = useState<Step[]>([]);
  const ds = view.data ? datasets.find((d) => d.id === view.data.view.config.dataset) : undefined;
  const applied = useMemo(() => (view.data && ds ? applyShared(view.data.view.config, board, ds) : null), [view.data, ds, board]);
  const crossF = crossFilterFor(cross, index, ds);
  const crossKey = crossF ? `${crossF.field}=${crossF.value}` : '';
  // The panel's spec: the view with the shared filters, the cross-filter from another panel, then each drill step.
  const trail = useMemo(() => {
    if (!applied) return null;
    let spec = withFilter(applied.spec, crossF);
    const out = [];
    for (const s of steps) {
      const next = drillDown(spec, ds, s.dim, s.value);
      if (!next) break;
      out.push({ ...s, spec });
      spec = next;
    }
    return { spec, steps: out };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [applied, crossKey, steps, ds]);
  const spec = trail?.spec ?? null;
  const note = applied?.skipped.length ? t('dashboards.notApplied', { fields: applied.skipped.join(', ') }) : undefined;
  const cb = useCallback((d: PanelData | null) => onData(d, note), [onData, note]);
  const filterable = (dim: string) => !isTimeDim(ds?.dimensions.find((d) => d.id === dim)) && !!ds?.dimensions.find((d) => d.id === dim)?.operators.includes('eq');
  const canPick = useCallback((dim: string) => !!spec && (canDrill(spec, ds, dim) || filterable(dim)), [spec, ds]); // eslint-disable-line react-hooks/exhaustive-deps
  const onPick = useCallback(
    (p: Pick) => {
      if (spec && canDrill(spec, ds, p.dim)) setSteps([...(trail?.steps ?? []).map(({ dim, value, label }) => ({ dim, value, label })), { dim: p.dim, value: p.key, label: p.label }]);
      if (filterable(p.dim)) onCross({ field: p.dim, value: p.key, label: p.label, source: index });
    },
    [spec, ds, trail, onCross, index], // eslint-disable-line react-hooks/exhaustive-deps
  );

  if (view.isPending) return <Spinner label={t('common.loading')} />;
  if (view.isError)
    return (
      <Alert tone="warning" title={t('dashboards.viewUnavailable')}>
        {errorText(t, view.error)}
      </Alert>
    );
  if (!spec || !ds) return null;
  const chart = chartFor(org.slug, viewId, view.data.view.config);
  const explore = stateToParams({ spec, chart });
  return (
    <ResultPanel
      org={org.slug}
      orgName={org.name}
      spec={spec}
      ds={ds}
      chart={chart}
      title={title || view.data.view.name}
      headingLevel={3}
      tableCollapsed
      onData={cb}
      note={note}
      onPick={onPick}
      canPick={canPick}
      pickLabel={(label, dim) => t(canDrill(spec, ds, dim) ? (filterable(dim) ? 'dashboards.pickDrillFilter' : 'dashboards.pickDrill') : 'dashboards.pickFilter', { value: label })}
      actions={
        <Link className="btn btn-secondary btn-sm" to={href(`/o/${org.slug}/explore`, explore)} aria-label={t('dashboards.openInExploreNamed', { name: title || view.data.view.name })}>
          {t('dashboards.openInExplore')}
        </Link>
      }
      above={
        <DrillTrail
          trail={trail?.steps ?? []}
          ds={ds}
          onBack={(i) => {
            const r = drillBack(trail?.steps ?? [], i);
            if (r) setSteps(r.trail.map(({ dim, value, label }) => ({ dim, value, label })));
          }}
        />
      }
    />
  );
}
