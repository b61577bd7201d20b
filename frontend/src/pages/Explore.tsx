// The dashboard builder. Its state lives in the URL (see lib/spec.ts): each
// change replaces the URL, and the answer is fetched for the spec in the URL,
// so reloading or sharing the link reproduces the view.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useUrlState } from '../layout/useUrlState';
import { useTranslation } from 'react-i18next';
import { useDatasets, useView, useCreateView, useUpdateView } from '../api/hooks';
import { builderReducer, initialSpec, type BuilderAction } from '../lib/builder';
import { defaultChart, paramsToState, specKey, specProblems, stateToParams, type ExploreState, type Problem } from '../lib/spec';
import { defaultTitle } from '../lib/describe';
import { BuilderForm } from '../builder/BuilderForm';
import { ResultPanel, type Pick } from '../builder/ResultPanel';
import { DrillTrail } from '../builder/Drill';
import { canDrill, drillBack, drillDown, type DrillStep } from '../lib/drill';
import { Alert, Button, FormDialog, PageHeader, SelectField, Spinner, TextField } from '../ui';
import { VisibilityField } from '../layout/owned';
import { errorText, useOrgContext } from '../layout/Shell';
import { canWrite, isAdmin, useLocale } from '../layout/nav';
import type { Visibility } from '../api/types';
import { chartFor, rememberChart } from '../lib/chartPrefs';
import { formatInteger } from '../lib/format';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

export default function Explore() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const serialize = useCallback((s: ExploreState) => stateToParams(s, locale), [locale]);
  const [state, setState] = useUrlState(paramsToState, serialize);
  const datasets = useDatasets(org.slug);
  const ds = datasets.data?.find((d) => d.id === state.spec.dataset);
  const view = useView(org.slug, state.viewId);
  const [saveOpen, setSaveOpen] = useState(false);

  const write = useCallback((next: ExploreState) => setState(next), [setState]);
  // Reduce from the last state written: events can come faster than renders.
  const dispatch = useCallback((a: BuilderAction) => setState((prev) => builderReducer(prev, a, ds)), [ds, setState]);

  // A link with only ?view=id opens that view's config.
  useEffect(() => {
    if (view.data && !state.spec.dataset) {
      write({ spec: view.data.view.config, chart: chartFor(org.slug, view.data.view.id, view.data.view.config), viewId: view.data.view.id });
    }
  }, [view.data, state, write, org.slug]);

  // No dataset yet: start with the first one.
  useEffect(() => {
    if (!state.spec.dataset && !state.viewId && datasets.data?.length) {
      const first = datasets.data[0];
      const spec = initialSpec(first);
      write({ spec, chart: defaultChart(spec) });
    }
  }, [state, datasets.data, write]);

  const problems = specProblems(state.spec, ds);
  const runnable = ds && problems.length === 0 ? state.spec : null;
  const debouncedKey = useDebounced(runnable ? specKey(runnable) : '', 400);
  const runSpec = useMemo(() => (debouncedKey ? JSON.parse(debouncedKey) : null), [debouncedKey]);

  // The drill-down trail holds while the spec is the one its last step left.
  const [trail, setTrail] = useState<{ steps: DrillStep[]; at: string }>({ steps: [], at: '' });
  const steps = trail.at === specKey(state.spec) ? trail.steps : [];
  const canPick = useCallback((dim: string) => canDrill(state.spec, ds, dim), [state.spec, ds]);
  const onPick = useCallback(
    (p: Pick) => {
      const next = drillDown(state.spec, ds, p.dim, p.key);
      if (!next) return;
      setTrail({ steps: [...steps, { spec: state.spec, dim: p.dim, value: p.key, label: p.label }], at: specKey(next) });
      write({ ...state, spec: next });
    },
    [state, ds, steps, write],
  );
  const onBack = (i: number) => {
    const r = drillBack(steps, i);
    if (!r) return;
    setTrail({ steps: r.trail, at: specKey(r.spec) });
    write({ ...state, spec: r.spec });
  };

  const title = view.data && state.viewId ? view.data.view.name : defaultTitle(state.spec, ds, locale, t);

  return (
    <div className="explore">
      <PageHeader title={t('explore.title')} description={t('explore.description')}>
        {canWrite(org) ? (
          <Button variant="primary" onClick={() => setSaveOpen(true)} disabled={!runnable}>
            {t('views.save')}
          </Button>
        ) : (
          <span className="muted">{t('views.viewerCannotSave')}</span>
        )}
        <CopyLink />
      </PageHeader>
      {datasets.isPending ? <Spinner label={t('common.loading')} /> : null}
      {datasets.isError ? <Alert tone="error" title={t('explore.datasetsFailed')}>{errorText(t, datasets.error)}</Alert> : null}
      {datasets.data && datasets.data.length === 0 ? <Alert tone="info">{t('explore.noDatasets')}</Alert> : null}
      {state.viewId && view.isError ? <Alert tone="warning">{t('views.unavailable')}</Alert> : null}
      {state.spec.dataset && datasets.data && !ds ? <Alert tone="error">{t('explore.unknownDataset', { id: state.spec.dataset })}</Alert> : null}
      {datasets.data && datasets.data.length > 0 ? (
        <div className="explore-grid">
          <aside className="explore-side" aria-label={t('explore.builder')}>
            <BuilderForm org={org.slug} datasets={datasets.data} ds={ds} state={state} dispatch={dispatch} locale={locale} />
          </aside>
          <div className="explore-main">
            {ds && problems.length ? <ProblemList problems={problems} /> : null}
            {ds ? (
              <ResultPanel
                org={org.slug}
                orgName={org.name}
                spec={runSpec}
                ds={ds}
                chart={state.chart}
                title={title}
                onPick={onPick}
                canPick={canPick}
                pickLabel={(label) => t('results.drill.into', { value: label })}
                above={<DrillTrail trail={steps} ds={ds} onBack={onBack} />}
              />
            ) : null}
          </div>
        </div>
      ) : null}
      <SaveViewDialog open={saveOpen} onClose={() => setSaveOpen(false)} state={state} defaultName={title} onSaved={(id) => write({ ...state, viewId: id })} />
    </div>
  );
}

function ProblemList({ problems }: { problems: Problem[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Alert tone="warning" title={t('explore.problemsTitle')}>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>{t(`problems.${p.key}`, { ...p, max: 'max' in p ? formatInteger(p.max, locale) : undefined })}</li>
        ))}
      </ul>
    </Alert>
  );
}

function CopyLink() {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <>
      <Button
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(window.location.href);
            setCopied(true);
            setTimeout(() => setCopied(false), 3000);
          } catch {
            setCopied(false);
          }
        }}
      >
        {t('explore.copyLink')}
      </Button>
      <span className="visually-hidden" role="status">
        {copied ? t('explore.linkCopied') : ''}
      </span>
    </>
  );
}

function SaveViewDialog({ open, onClose, state, defaultName, onSaved }: { open: boolean; onClose: () => void; state: ExploreState; defaultName: string; onSaved: (id: string) => void }) {
  const { t } = useTranslation();
  const { org, me } = useOrgContext();
  const create = useCreateView(org.slug);
  const update = useUpdateView(org.slug);
  const existing = useView(org.slug, state.viewId);
  // Its owner or an admin may save over the view open in the builder; anyone may save a new one.
  const mayUpdate = !!existing.data && (existing.data.view.owner_id === me.user.id || isAdmin(org));
  const [name, setName] = useState(defaultName);
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [mode, setMode] = useState<'new' | 'update'>('new');
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  useEffect(() => {
    if (open) {
      setName(existing.data?.view.name ?? defaultName.slice(0, 200));
      setVisibility(existing.data?.view.visibility ?? 'private');
      setMode(mayUpdate ? 'update' : 'new');
      setError(null);
      setNameError(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  const busy = create.isPending || update.isPending;
  const submit = async () => {
    if (!name.trim()) {
      setNameError(t('views.nameRequired'));
      return;
    }
    setError(null);
    try {
      if (mode === 'update' && existing.data) {
        const v = await update.mutateAsync({ id: existing.data.view.id, etag: existing.data.etag, patch: { name: name.trim(), visibility, config: state.spec } });
        rememberChart(org.slug, v.id, state.chart);
        onSaved(v.id);
      } else {
        const v = await create.mutateAsync({ name: name.trim(), visibility, config: state.spec });
        rememberChart(org.slug, v.id, state.chart);
        onSaved(v.id);
      }
      onClose();
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  return (
    <FormDialog open={open} onClose={onClose} title={mode === 'update' ? t('views.saveChangesTitle') : t('views.saveTitle')} action={t('common.save')} busy={busy} onAction={() => void submit()}>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {mayUpdate ? (
        <SelectField
          label={t('views.saveMode')}
          value={mode}
          options={[
            { value: 'update', label: t('views.updateExisting', { name: existing.data.view.name }) },
            { value: 'new', label: t('views.saveAsNew') },
          ]}
          onChange={(e) => setMode(e.target.value as 'new' | 'update')}
        />
      ) : null}
      <TextField label={t('views.name')} value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} error={nameError ?? undefined} autoFocus />
      <VisibilityField kind="views" value={visibility} onChange={setVisibility} hint={t('views.visibilityHint')} />
    </FormDialog>
  );
}
