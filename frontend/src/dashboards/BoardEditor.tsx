// Editing a dashboard: name, who sees it, its panels (add, remove, reorder,
// width) and the shared filters and time range.
import { useTranslation } from 'react-i18next';
import { useDatasets, useViews } from '../api/hooks';
import type { DatasetInfo, DimensionInfo, Filter, Op, Visibility } from '../api/types';
import { PANEL_WIDTHS, type Board } from '../lib/dashboard';
import { pickText } from '../lib/format';
import { isListOp } from '../lib/spec';
import { FilterRow } from '../builder/BuilderForm';
import { AddRow, Alert, Button, Fieldset, SelectField, TextField } from '../ui';
import { useOrgContext } from '../layout/Shell';
import { useLocale } from '../layout/nav';
import { VisibilityField } from '../layout/owned';
import { QueryStatus } from '../layout/QueryStatus';

export type BoardUpdate = (fn: (prev: Board) => Partial<Board>) => void;

/** Without onVisibility (a dashboard that lives in its URL) there is no one to share with: any view may be added. */
export function BoardEditor({ board, update, visibility = 'private', onVisibility }: { board: Board; update: BoardUpdate; visibility?: Visibility; onVisibility?: (v: Visibility) => void }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const locale = useLocale();
  const views = useViews(org.slug);
  const datasets = useDatasets(org.slug);

  const viewOf = (id: string) => views.data?.find((v) => v.id === id);
  // An org dashboard shows org views only: a private view would be hidden from the colleagues it is shared with.
  const addable = (views.data ?? []).filter((v) => visibility === 'private' || v.visibility === 'org');
  const chosenDatasets = [...new Set(board.panels.map((p) => viewOf(p.view_id)?.config.dataset))].map((id) => datasets.data?.find((d) => d.id === id)).filter((d): d is DatasetInfo => !!d);
  // Fields shared filters can use: the dimensions of the panels' datasets (time has its own range).
  const fields = new Map<string, { ds: DatasetInfo; dim: DimensionInfo }>();
  for (const d of chosenDatasets) for (const dim of d.dimensions) if (!fields.has(dim.id) && !['month', 'quarter', 'year'].includes(dim.type)) fields.set(dim.id, { ds: d, dim });
  const setFilter = (i: number, f: Filter) => update((prev) => ({ filters: prev.filters.map((x, j) => (j === i ? f : x)) }));
  const removeFilter = (i: number) => update((prev) => ({ filters: prev.filters.filter((_, j) => j !== i) }));
  const move = (i: number, by: number) =>
    update((prev) => {
      const next = [...prev.panels];
      const [p] = next.splice(i, 1);
      next.splice(Math.max(0, Math.min(next.length, i + by)), 0, p);
      return { panels: next };
    });
  const panelName = (id: string, title?: string) => title || viewOf(id)?.name || t('dashboards.viewUnavailable');
  const privateOnOrg = visibility === 'org' ? board.panels.filter((p) => viewOf(p.view_id)?.visibility === 'private') : [];

  return (
    <section id="dashboard-editor" className="card editor" aria-labelledby="dash-editor-title">
      <h2 id="dash-editor-title">{t('dashboards.editor')}</h2>
      <TextField label={t('dashboards.name')} value={board.name} maxLength={200} required onChange={(e) => update(() => ({ name: e.target.value }))} />
      {onVisibility ? (
        <VisibilityField kind="dashboards" value={visibility} onChange={onVisibility} hint={t('dashboards.visibilityHint')} />
      ) : null}
      {privateOnOrg.length ? <Alert tone="warning">{t('dashboards.privateOnOrg', { names: privateOnOrg.map((p) => panelName(p.view_id, p.title)).join(', ') })}</Alert> : null}
      <Fieldset legend={t('dashboards.views')}>
        <QueryStatus query={views} />
        {board.panels.length ? (
          <ol className="stack-list">
            {board.panels.map((p, i) => {
              const name = panelName(p.view_id, p.title);
              return (
                <li key={`${p.view_id}-${i}`} className="row-item">
                  <span>{name}</span>
                  <div className="btn-group">
                    <SelectField
                      label={t('dashboards.widthOf', { name })}
                      hideLabel
                      value={String(p.w)}
                      options={PANEL_WIDTHS.map((w) => ({ value: String(w), label: t(`dashboards.widths.w${w}`) }))}
                      onChange={(e) => update((prev) => ({ panels: prev.panels.map((x, j) => (j === i ? { ...x, w: Number(e.target.value) } : x)) }))}
                    />
                    <Button size="sm" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('dashboards.moveUp', { name })}>
                      ↑
                    </Button>
                    <Button size="sm" disabled={i === board.panels.length - 1} onClick={() => move(i, 1)} aria-label={t('dashboards.moveDown', { name })}>
                      ↓
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => update((prev) => ({ panels: prev.panels.filter((_, j) => j !== i) }))} aria-label={t('dashboards.removePanel', { name })}>
                      {t('common.remove')}
                    </Button>
                  </div>
                </li>
              );
            })}
          </ol>
        ) : (
          <p className="field-hint">{t('dashboards.noPanels')}</p>
        )}
        {views.data && views.data.length === 0 ? <p className="field-hint">{t('dashboards.noViews')}</p> : null}
        <AddRow
          label={t('dashboards.addPanel')}
          placeholder={t('explore.choose')}
          disabled={!addable.length}
          options={addable.map((v) => ({ value: v.id, label: `${v.name} (${t(`views.${v.visibility}`)})` }))}
          onAdd={(id) => update((prev) => ({ panels: [...prev.panels, { view_id: id, w: 6 }] }))}
        />
      </Fieldset>
      <Fieldset legend={t('dashboards.sharedFilters')}>
        <p className="field-hint">{t('dashboards.sharedFiltersHelp')}</p>
        <div className="grid-2">
          <TextField label={t('explore.from')} value={board.from ?? ''} placeholder="AAAA-MM" onChange={(e) => update(() => ({ from: e.target.value || undefined }))} hint={t('dashboards.timeHint')} />
          <TextField label={t('explore.to')} value={board.to ?? ''} placeholder="AAAA-MM" onChange={(e) => update(() => ({ to: e.target.value || undefined }))} />
        </div>
        <ul className="stack-list">
          {board.filters.map((f, i) => {
            const fd = fields.get(f.field);
            if (!fd)
              return (
                <li key={`${f.field}-${i}`} className="row-item">
                  <span>{f.field}</span>
                  <Button size="sm" variant="ghost" onClick={() => removeFilter(i)} aria-label={t('explore.removeFilter', { field: f.field })}>
                    {t('common.remove')}
                  </Button>
                </li>
              );
            return (
              <li key={`${f.field}-${i}`} className="filter-item">
                <FilterRow
                  source={{ org: org.slug, ds: fd.ds, dim: fd.dim, locale }}
                  filter={f}
                  onOp={(op: Op) => setFilter(i, { ...f, op, value: isListOp(op) ? (Array.isArray(f.value) ? f.value : f.value ? [f.value] : []) : Array.isArray(f.value) ? (f.value[0] ?? '') : f.value })}
                  onValue={(value) => setFilter(i, { ...f, value })}
                  onRemove={() => removeFilter(i)}
                />
              </li>
            );
          })}
        </ul>
        <AddRow
          label={t('explore.addFilter')}
          placeholder={fields.size ? t('explore.choose') : t('dashboards.chooseViewsFirst')}
          disabled={!fields.size}
          options={[...fields.values()].map(({ dim }) => ({ value: dim.id, label: pickText(dim.title, locale, dim.id) }))}
          onAdd={(field) => {
            const fd = fields.get(field);
            if (!fd) return;
            const op: Op = fd.dim.operators.includes('in') ? 'in' : fd.dim.operators[0];
            update((prev) => ({ filters: [...prev.filters, { field, op, value: isListOp(op) ? [] : '' }] }));
          }}
        />
      </Fieldset>
    </section>
  );
}
