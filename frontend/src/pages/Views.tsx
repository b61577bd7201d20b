// Saved views: list (all, private, shared with the org), open, rename (PATCH
// with If-Match from the view's ETag), change visibility, delete.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDatasets, useDeleteView, useUpdateView, useViews } from '../api/hooks';
import type { View, Visibility } from '../api/types';
import { usedByOf, type ViewUse } from '../api/dashboards';
import { ProblemAlert, useProblem } from '../ui/FieldError';
import { ActionDialog, Alert, Button, FormDialog, PageHeader, TextField } from '../ui';
import { OwnedList, ownerOrOrgAdmin, useOwnedColumns, VisibilityField } from '../layout/owned';
import { errorText, useOrgContext } from '../layout/Shell';
import { useHref, useLocale } from '../layout/nav';
import { pickText } from '../lib/format';
import { stateToParams } from '../lib/spec';
import { chartFor } from '../lib/chartPrefs';

export function viewHref(href: ReturnType<typeof useHref>, org: string, v: View): string {
  const p = stateToParams({ spec: v.config, chart: chartFor(org, v.id, v.config), viewId: v.id });
  p.delete('lang');
  return href(`/o/${org}/explore`, p);
}

export default function Views() {
  const { t } = useTranslation();
  const locale = useLocale();
  const href = useHref();
  const { org, me } = useOrgContext();
  const [tab, setTab] = useState<'all' | Visibility>('all');
  const views = useViews(org.slug, tab === 'all' ? undefined : tab);
  const datasets = useDatasets(org.slug);
  const [renaming, setRenaming] = useState<View | null>(null);
  const [deleting, setDeleting] = useState<View | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const columns = useOwnedColumns<View>('views');

  return (
    <div>
      <PageHeader title={t('views.title')} description={t('views.description')}>
        <Link className="btn btn-primary btn-md" to={href(`/o/${org.slug}/explore`)}>
          {t('views.new')}
        </Link>
      </PageHeader>
      <OwnedList
        label={t('views.filterLabel')}
        tab={tab}
        onTab={(id) => setTab(id as typeof tab)}
        tabs={[
          { id: 'all', label: t('views.all') },
          { id: 'private', label: t('views.private') },
          { id: 'org', label: t('views.org') },
        ]}
        notice={notice}
        query={views}
        caption={(count) => t('views.caption', { count })}
        empty={t('views.empty')}
        columns={[
          { key: 'name', header: t('views.name'), rowHeader: true, cell: (v) => <Link to={viewHref(href, org.slug, v)} className="view-link">{v.name}</Link> },
          {
            key: 'dataset',
            header: t('explore.dataset'),
            cell: (v) => {
              const d = datasets.data?.find((x) => x.id === v.config.dataset);
              return d ? pickText(d.title, locale, d.id) : v.config.dataset;
            },
          },
          columns.visibility,
          columns.owner,
          columns.updated,
          columns.actions(
            (v) => ownerOrOrgAdmin(org, me, v),
            (v) => (
              <div className="btn-group">
                <Button size="sm" onClick={() => setRenaming(v)} aria-label={t('views.renameNamed', { name: v.name })}>
                  {t('common.rename')}
                </Button>
                <Button size="sm" variant="danger" onClick={() => setDeleting(v)} aria-label={t('views.deleteNamed', { name: v.name })}>
                  {t('common.delete')}
                </Button>
              </div>
            ),
          ),
        ]}
      />
      <RenameDialog view={renaming} onClose={() => setRenaming(null)} onDone={(name) => setNotice(t('views.renamed', { name }))} />
      <DeleteDialog view={deleting} onClose={() => setDeleting(null)} onDone={(name) => setNotice(t('views.deleted', { name }))} />
    </div>
  );
}

function RenameDialog({ view, onClose, onDone }: { view: View | null; onClose: () => void; onDone: (name: string) => void }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const update = useUpdateView(org.slug);
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [nameMissing, setNameMissing] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const problem = useProblem(failure, ['name', 'visibility']);
  useEffect(() => {
    if (view) {
      setName(view.name);
      setVisibility(view.visibility);
      setNameMissing(false);
      setFailure(null);
    }
  }, [view]);
  const submit = async () => {
    if (!view) return;
    setFailure(null);
    setNameMissing(!name.trim());
    if (!name.trim()) return;
    try {
      const patch: { name?: string; visibility?: Visibility } = {};
      if (name.trim() !== view.name) patch.name = name.trim();
      if (visibility !== view.visibility) patch.visibility = visibility;
      if (Object.keys(patch).length) await update.mutateAsync({ id: view.id, patch });
      onDone(name.trim());
      onClose();
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <FormDialog open={!!view} onClose={onClose} title={t('views.renameTitle')} action={t('common.save')} busy={update.isPending} onAction={() => void submit()}>
      <ProblemAlert problem={problem} />
      <TextField label={t('views.name')} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} autoFocus error={nameMissing ? t('views.nameRequired') : problem?.byControl.name} />
      <VisibilityField kind="views" value={visibility} onChange={setVisibility} error={problem?.byControl.visibility} />
    </FormDialog>
  );
}

function DeleteDialog({ view, onClose, onDone }: { view: View | null; onClose: () => void; onDone: (name: string) => void }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const del = useDeleteView(org.slug);
  const [error, setError] = useState<string | null>(null);
  // Set when the server refused because dashboards or schedules use the view: confirming deletes with cascade.
  const [inUse, setInUse] = useState<{ uses: ViewUse[]; privateDashboards: number } | null>(null);
  useEffect(() => {
    setError(null);
    setInUse(null);
  }, [view]);
  const run = async () => {
    if (!view) return;
    setError(null);
    try {
      await del.mutateAsync({ id: view.id, cascade: !!inUse });
      onDone(view.name);
      onClose();
    } catch (e) {
      const got = inUse ? null : usedByOf(e);
      if (got) setInUse(got);
      else setError(errorText(t, e));
    }
  };
  const dashboards = inUse ? inUse.uses.filter((u) => u.kind === 'dashboard').length + inUse.privateDashboards : 0;
  const schedules = inUse ? inUse.uses.filter((u) => u.kind === 'schedule').length : 0;
  const parts = [dashboards ? t('views.removedFrom', { count: dashboards }) : '', schedules ? t('views.schedulesDeleted', { count: schedules }) : ''].filter(Boolean);
  return (
    <ActionDialog
      open={!!view}
      onClose={onClose}
      title={inUse ? t('views.inUseTitle') : t('views.deleteTitle')}
      action={inUse ? t('views.deleteAnyway') : t('common.delete')}
      danger
      busy={del.isPending}
      onAction={() => void run()}
    >
      {error ? <Alert tone="error">{error}</Alert> : null}
      {inUse ? (
        <>
          <p>{t('views.inUse', { name: view?.name, what: parts.length ? parts.join(t('views.and')) : t('views.inUseUnknown') })}</p>
          {inUse.uses.length ? (
            <ul>
              {inUse.uses.map((u) => (
                <li key={`${u.kind}-${u.id}`}>{t(u.kind === 'dashboard' ? 'views.useDashboard' : 'views.useSchedule', { name: u.name })}</li>
              ))}
              {inUse.privateDashboards ? <li>{t('views.usePrivate', { count: inUse.privateDashboards })}</li> : null}
            </ul>
          ) : null}
        </>
      ) : (
        <p>{view ? t('views.deleteConfirm', { name: view.name }) : null}</p>
      )}
    </ActionDialog>
  );
}
