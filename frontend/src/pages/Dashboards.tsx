// Dashboards: several saved views with shared filters applied to all of them.
// A dashboard is its URL (?v=view ids&f=shared filters&from=&to=&name=): see
// lib/dashboard.ts. It can be kept on this device under a name.
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useUrlState } from '../layout/useUrlState';
import { useDatasets, useView, useViews } from '../api/hooks';
import type { DatasetInfo, DimensionInfo, Filter, Op } from '../api/types';
import { applyShared, dashboardToParams, deleteDashboard, loadDashboards, paramsToDashboard, saveDashboard, type Dashboard } from '../lib/dashboard';
import { describeFilters, describePeriod } from '../lib/describe';
import { formatDateTime, pickText } from '../lib/format';
import { chartFor } from '../lib/chartPrefs';
import { isListOp } from '../lib/spec';
import { ResultPanel, type PanelData } from '../builder/ResultPanel';
import { FilterRow } from '../builder/BuilderForm';
import { Alert, Button, CheckboxField, Fieldset, PageHeader, SelectField, Spinner, Table, TextField } from '../ui';
import { errorText, useOrgContext } from '../layout/Shell';
import { useHref, useLocale } from '../layout/nav';

export default function Dashboards() {
  const { t } = useTranslation();
  const locale = useLocale();
  const serialize = useCallback((d: Dashboard) => dashboardToParams(d, locale), [locale]);
  const [dash, setDashState] = useUrlState(paramsToDashboard, serialize);
  const update = useCallback((patch: Partial<Dashboard> | ((prev: Dashboard) => Partial<Dashboard>)) => setDashState((prev) => ({ ...prev, ...(typeof patch === 'function' ? patch(prev) : patch) })), [setDashState]);
  const [editing, setEditing] = useState(dash.views.length === 0);

  return (
    <div>
      <PageHeader title={dash.name || t('dashboards.title')} description={t('dashboards.description')}>
        {dash.views.length ? (
          <Button onClick={() => setEditing((e) => !e)} aria-expanded={editing} aria-controls="dashboard-editor">
            {editing ? t('dashboards.doneEditing') : t('dashboards.edit')}
          </Button>
        ) : null}
      </PageHeader>
      {editing ? <Editor dash={dash} update={update} /> : null}
      {dash.views.length ? <Board dash={dash} /> : <SavedList />}
    </div>
  );
}

function SavedList() {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const href = useHref();
  const locale = useLocale();
  const [list, setList] = useState(() => loadDashboards(org.slug));
  return (
    <section aria-labelledby="saved-dashboards">
      <h2 id="saved-dashboards">{t('dashboards.saved')}</h2>
      <Table
        caption={t('dashboards.savedCaption')}
        captionHidden
        rows={list}
        rowKey={(d) => d.id}
        empty={t('dashboards.noneSaved')}
        columns={[
          {
            key: 'name',
            header: t('dashboards.name'),
            rowHeader: true,
            cell: (d) => {
              const p = dashboardToParams(d);
              return <Link to={href(`/o/${org.slug}/dashboards`, p)}>{d.name || t('dashboards.untitled')}</Link>;
            },
          },
          { key: 'views', header: t('dashboards.viewCount'), cell: (d) => String(d.views.length), align: 'end' },
          { key: 'updated', header: t('views.updated'), cell: (d) => formatDateTime(d.updated_at, locale) },
          {
            key: 'actions',
            header: t('common.actions'),
            cell: (d) => (
              <Button
                size="sm"
                variant="danger"
                aria-label={t('dashboards.deleteNamed', { name: d.name || t('dashboards.untitled') })}
                onClick={() => {
                  deleteDashboard(org.slug, d.id);
                  setList(loadDashboards(org.slug));
                }}
              >
                {t('common.delete')}
              </Button>
            ),
          },
        ]}
      />
    </section>
  );
}

type Update = (patch: Partial<Dashboard> | ((prev: Dashboard) => Partial<Dashboard>)) => void;

function Editor({ dash, update }: { dash: Dashboard; update: Update }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const locale = useLocale();
  const views = useViews(org.slug);
  const datasets = useDatasets(org.slug);
  const [field, setField] = useState('');
  const [saved, setSaved] = useState<string | null>(null);

  const chosen = (views.data ?? []).filter((v) => dash.views.includes(v.id));
  const chosenDatasets = [...new Set(chosen.map((v) => v.config.dataset))].map((id) => datasets.data?.find((d) => d.id === id)).filter((d): d is DatasetInfo => !!d);
  // Fields shared filters can use: the dimensions of the chosen views' datasets.
  const fields = new Map<string, { ds: DatasetInfo; dim: DimensionInfo }>();
  for (const d of chosenDatasets) for (const dim of d.dimensions) if (!fields.has(dim.id) && !['month', 'quarter', 'year'].includes(dim.type)) fields.set(dim.id, { ds: d, dim });

  const setFilter = (i: number, f: Filter) => update((prev) => ({ filters: prev.filters.map((x, j) => (j === i ? f : x)) }));

  return (
    <section id="dashboard-editor" className="card editor" aria-labelledby="dash-editor-title">
      <h2 id="dash-editor-title">{t('dashboards.editor')}</h2>
      <TextField label={t('dashboards.name')} value={dash.name} maxLength={200} onChange={(e) => update({ name: e.target.value })} />
      <Fieldset legend={t('dashboards.views')}>
        {views.isPending ? <Spinner label={t('common.loading')} /> : null}
        {views.isError ? <Alert tone="error">{errorText(t, views.error)}</Alert> : null}
        {views.data && views.data.length === 0 ? <p className="field-hint">{t('dashboards.noViews')}</p> : null}
        <div className="check-list">
          {(views.data ?? []).map((v) => (
            <CheckboxField
              key={v.id}
              label={`${v.name} (${t(`views.${v.visibility}`)})`}
              checked={dash.views.includes(v.id)}
              onChange={(e) => {
                const on = e.target.checked;
                update((prev) => ({ views: on ? [...prev.views.filter((x) => x !== v.id), v.id] : prev.views.filter((x) => x !== v.id) }));
              }}
            />
          ))}
        </div>
      </Fieldset>
      <Fieldset legend={t('dashboards.sharedFilters')}>
        <p className="field-hint">{t('dashboards.sharedFiltersHelp')}</p>
        <div className="grid-2">
          <TextField label={t('explore.from')} value={dash.from ?? ''} placeholder="AAAA-MM" onChange={(e) => update({ from: e.target.value || undefined })} hint={t('dashboards.timeHint')} />
          <TextField label={t('explore.to')} value={dash.to ?? ''} placeholder="AAAA-MM" onChange={(e) => update({ to: e.target.value || undefined })} />
        </div>
        <ul className="stack-list">
          {dash.filters.map((f, i) => {
            const fd = fields.get(f.field);
            if (!fd)
              return (
                <li key={`${f.field}-${i}`} className="row-item">
                  <span>{f.field}</span>
                  <Button size="sm" variant="ghost" onClick={() => update((prev) => ({ filters: prev.filters.filter((_, j) => j !== i) }))} aria-label={t('explore.removeFilter', { field: f.field })}>
                    {t('common.remove')}
                  </Button>
                </li>
              );
            return (
              <li key={`${f.field}-${i}`} className="filter-item">
                <FilterRow
                  org={org.slug}
                  ds={fd.ds}
                  dim={fd.dim}
                  filter={f}
                  locale={locale}
                  onOp={(op: Op) => setFilter(i, { ...f, op, value: isListOp(op) ? (Array.isArray(f.value) ? f.value : f.value ? [f.value] : []) : Array.isArray(f.value) ? (f.value[0] ?? '') : f.value })}
                  onValue={(value) => setFilter(i, { ...f, value })}
                  onRemove={() => update((prev) => ({ filters: prev.filters.filter((_, j) => j !== i) }))}
                />
              </li>
            );
          })}
        </ul>
        <div className="add-row">
          <SelectField
            label={t('explore.addFilter')}
            value={field}
            placeholder={fields.size ? t('explore.choose') : t('dashboards.chooseViewsFirst')}
            disabled={!fields.size}
            options={[...fields.values()].map(({ dim }) => ({ value: dim.id, label: pickText(dim.title, locale, dim.id) }))}
            onChange={(e) => setField(e.target.value)}
          />
          <Button
            size="sm"
            disabled={!field}
            onClick={() => {
              const fd = fields.get(field);
              if (!fd) return;
              const op: Op = fd.dim.operators.includes('in') ? 'in' : fd.dim.operators[0];
              update((prev) => ({ filters: [...prev.filters, { field, op, value: isListOp(op) ? [] : '' }] }));
              setField('');
            }}
          >
            {t('common.add')}
          </Button>
        </div>
      </Fieldset>
      <div className="btn-group">
        <Button
          variant="primary"
          disabled={!dash.views.length}
          onClick={() => {
            const existing = loadDashboards(org.slug).find((d) => d.name === dash.name && dash.name);
            saveDashboard(org.slug, dash, existing?.id);
            setSaved(t('dashboards.savedNotice', { name: dash.name || t('dashboards.untitled') }));
          }}
        >
          {t('dashboards.saveLocal')}
        </Button>
      </div>
      <p className="field-hint">{t('dashboards.storageNote')}</p>
      {saved ? <Alert tone="success">{saved}</Alert> : null}
    </section>
  );
}

function Board({ dash }: { dash: Dashboard }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const locale = useLocale();
  const datasets = useDatasets(org.slug);
  const panels = useRef(new Map<number, PanelData | null>());
  const titles = useRef(new Map<number, { note?: string }>());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Shared filters name their fields with any dataset's titles.
  const allDims = useMemo(() => {
    const list = datasets.data ?? [];
    if (!list.length) return undefined;
    const seen = new Map<string, DimensionInfo>();
    for (const d of list) for (const dim of d.dimensions) if (!seen.has(dim.id)) seen.set(dim.id, dim);
    return { ...list[0], dimensions: [...seen.values()] };
  }, [datasets.data]);

  const exportPdf = async () => {
    setBusy(true);
    setError(null);
    try {
      const x = await import('../lib/exports');
      const list = dash.views.map((_, i) => panels.current.get(i)).filter((p): p is PanelData => !!p);
      const name = await x.exportPDF({
        title: dash.name || t('dashboards.untitled'),
        lines: [
          [t('dashboards.sharedFilters'), describeFilters(dash.filters, allDims, locale, t)],
          [t('export.fields.period'), dash.from || dash.to ? describePeriod({ dataset: '', measures: [], time: { from: dash.from, to: dash.to } }, locale, t) : t('dashboards.eachViewPeriod')],
          [t('export.fields.org'), org.name],
          [t('export.fields.generated'), formatDateTime(new Date(), locale)],
          [t('export.fields.link'), window.location.href],
        ],
        panels: list.map((p, i) => ({ export: { meta: p.meta, model: p.model, chart: p.chart === 'table' ? 'table' : p.chart, locale, emptyText: t('results.empty') }, table: p.table, note: titles.current.get(i)?.note })),
        labels: { page: (n, of) => t('export.page', { n, of }), rowsShown: (n, of) => t('export.rowsShown', { n, of }) },
      });
      setDone(t('export.done', { name }));
    } catch (e) {
      setError(t('export.failed', { reason: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label={t('dashboards.panels')}>
      <div className="board-head">
        <p className="muted">
          {t('dashboards.sharedFilters')}: {describeFilters(dash.filters, allDims, locale, t)}
          {dash.from || dash.to ? ` · ${describePeriod({ dataset: '', measures: [], time: { from: dash.from, to: dash.to } }, locale, t)}` : ''}
        </p>
        <div className="btn-group">
          <Button onClick={() => void navigator.clipboard?.writeText(window.location.href)}>{t('explore.copyLink')}</Button>
          <Button variant="primary" busy={busy} onClick={() => void exportPdf()}>
            {t('dashboards.exportPdf')}
          </Button>
        </div>
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <p className="visually-hidden" role="status">
        {done ?? ''}
      </p>
      {datasets.isPending ? <Spinner label={t('common.loading')} /> : null}
      <div className="board">
        {dash.views.map((id, i) => (
          <Panel
            key={id}
            id={id}
            dash={dash}
            datasets={datasets.data ?? []}
            onData={(d, note) => {
              panels.current.set(i, d);
              titles.current.set(i, { note });
            }}
          />
        ))}
      </div>
    </section>
  );
}

function Panel({ id, dash, datasets, onData }: { id: string; dash: Dashboard; datasets: DatasetInfo[]; onData: (d: PanelData | null, note?: string) => void }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const view = useView(org.slug, id);
  const ds = view.data ? datasets.find((d) => d.id === view.data.view.config.dataset) : undefined;
  const applied = useMemo(() => (view.data && ds ? applyShared(view.data.view.config, dash, ds) : null), [view.data, ds, dash]);
  const note = applied?.skipped.length ? t('dashboards.notApplied', { fields: applied.skipped.join(', ') }) : undefined;
  const cb = useCallback((d: PanelData | null) => onData(d, note), [onData, note]);
  if (view.isPending) return <div className="card panel"><Spinner label={t('common.loading')} /></div>;
  if (view.isError)
    return (
      <div className="card panel">
        <Alert tone="warning" title={t('dashboards.viewUnavailable')}>
          {errorText(t, view.error)}
        </Alert>
      </div>
    );
  if (!applied || !ds) return null;
  return (
    <div className="card panel">
      <ResultPanel org={org.slug} orgName={org.name} spec={applied.spec} ds={ds} chart={chartFor(org.slug, id, view.data.view.config)} title={view.data.view.name} headingLevel={3} tableCollapsed onData={cb} note={note} />
    </div>
  );
}
