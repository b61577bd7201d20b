// Dashboards: the org's shared dashboards (a tenant resource, see
// api/dashboards.ts). /dashboards lists them; ?id= opens one; ?v= (with
// f, from, to, name) is an ad-hoc dashboard that lives in its URL, so that
// every link to one still opens.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { createDashboard, isConflict, useCreateDashboard, useDashboard, useDashboards, useDeleteDashboard, useUpdateDashboard, type DashboardDoc } from '../api/dashboards';
import type { Visibility } from '../api/types';
import { boardInput, boardOf, boardOfUrl, dashboardToParams, importChoice, importInput, loadDashboards, paramsToDashboard, rememberImportChoice, uniqueNames, type Board, type Dashboard } from '../lib/dashboard';
import { useUrlState } from '../layout/useUrlState';
import { BoardView } from '../dashboards/Board';
import { BoardEditor } from '../dashboards/BoardEditor';
import { ActionDialog, Alert, Button, FormDialog, PageHeader, Spinner, TextField } from '../ui';
import { OwnedList, ownerOrOrgAdmin, useOwnedColumns, VisibilityBadge, VisibilityField } from '../layout/owned';
import { errorText, useOrgContext } from '../layout/Shell';
import { canWrite, useGo, useHref, useLocale } from '../layout/nav';

export default function Dashboards() {
  const [params] = useSearchParams();
  const id = params.get('id');
  if (id) return <SavedDashboard key={id} id={id} startEditing={params.get('edit') === '1'} />;
  if (params.get('v')) return <UrlDashboard />;
  return <DashboardList />;
}

function useMayEdit() {
  const { org, me } = useOrgContext();
  return useCallback((d: Pick<DashboardDoc, 'owner_id' | 'visibility'>) => canWrite(org) && ownerOrOrgAdmin(org, me, d), [org, me]);
}

function DashboardList() {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const href = useHref();
  const mayEdit = useMayEdit();
  const columns = useOwnedColumns<DashboardDoc>('dashboards');
  const [tab, setTab] = useState<'all' | 'mine' | 'org'>('all');
  const list = useDashboards(org.slug, tab === 'mine' ? { mine: true } : tab === 'org' ? { visibility: 'org' } : {});
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<DashboardDoc | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <div>
      <PageHeader title={t('dashboards.title')} description={t('dashboards.description')}>
        {canWrite(org) ? (
          <Button variant="primary" onClick={() => setCreating(true)}>
            {t('dashboards.new')}
          </Button>
        ) : null}
      </PageHeader>
      {!canWrite(org) ? <Alert tone="info">{t('dashboards.readOnlyViewer')}</Alert> : null}
      {canWrite(org) && list.data && tab === 'all' ? <ImportNotice taken={list.data.map((d) => d.name)} /> : null}
      <OwnedList
        label={t('dashboards.filterLabel')}
        tab={tab}
        onTab={(id) => setTab(id as typeof tab)}
        tabs={[
          { id: 'all', label: t('dashboards.all') },
          { id: 'mine', label: t('dashboards.mine') },
          { id: 'org', label: t('dashboards.sharedWithOrg') },
        ]}
        notice={notice}
        query={list}
        caption={(count) => t('dashboards.caption', { count })}
        empty={canWrite(org) ? t('dashboards.empty') : t('dashboards.emptyViewer')}
        columns={[
          { key: 'name', header: t('dashboards.name'), rowHeader: true, cell: (d) => <Link to={href(`/o/${org.slug}/dashboards`, { id: d.id })}>{d.name || t('dashboards.untitled')}</Link> },
          columns.visibility,
          columns.owner,
          { key: 'panels', header: t('dashboards.viewCount'), cell: (d) => String(d.panels?.length ?? 0), align: 'end' },
          columns.updated,
          columns.actions(mayEdit, (d) => (
            <Button size="sm" variant="danger" onClick={() => setDeleting(d)} aria-label={t('dashboards.deleteNamed', { name: d.name })}>
              {t('common.delete')}
            </Button>
          )),
        ]}
      />
      <NewDialog open={creating} onClose={() => setCreating(false)} />
      <DeleteDialog dashboard={deleting} onClose={() => setDeleting(null)} onDone={(name) => setNotice(t('dashboards.deleted', { name }))} />
    </div>
  );
}

/** Offers once, per org, to import the dashboards kept in this browser's localStorage to the server. */
function ImportNotice({ taken }: { taken: string[] }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const [choice, setChoice] = useState(() => importChoice(org.slug));
  const [local] = useState(() => loadDashboards(org.slug));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const create = useCreateDashboard(org.slug);
  if (result) return <Alert tone="success">{result}</Alert>;
  if (choice || !local.length) return null;
  const decide = (c: 'imported' | 'dismissed') => {
    rememberImportChoice(org.slug, c);
    setChoice(c);
  };
  const run = async () => {
    setBusy(true);
    let ok = 0;
    const failed: string[] = [];
    const names = uniqueNames(
      local.map((d) => (d.name || t('dashboards.untitled')).slice(0, 190)),
      taken,
    );
    for (const [i, d] of local.entries()) {
      try {
        await create.mutateAsync({ ...importInput(d, t('dashboards.untitled')), name: names[i] });
        ok++;
      } catch (e) {
        failed.push(`${d.name || t('dashboards.untitled')}: ${errorText(t, e)}`);
      }
    }
    setBusy(false);
    decide('imported');
    setResult(t('dashboards.imported', { count: ok }) + (failed.length ? ` ${t('dashboards.importFailed', { list: failed.join('; ') })}` : ''));
  };
  return (
    <Alert
      tone="info"
      title={t('dashboards.importTitle', { count: local.length })}
      action={
        <div className="btn-group">
          <Button variant="primary" busy={busy} onClick={() => void run()}>
            {t('dashboards.import')}
          </Button>
          <Button disabled={busy} onClick={() => decide('dismissed')}>
            {t('dashboards.dismiss')}
          </Button>
        </div>
      }
    >
      {t('dashboards.importHelp')}
    </Alert>
  );
}

function NewDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const go = useGo();
  const create = useCreateDashboard(org.slug);
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('org');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open) {
      setName('');
      setError(null);
    }
  }, [open]);
  const submit = async () => {
    if (!name.trim()) {
      setError(t('dashboards.nameRequired'));
      return;
    }
    try {
      const d = await create.mutateAsync({ name: name.trim(), visibility, panels: [], filters: [] });
      onClose();
      go(`/o/${org.slug}/dashboards`, { id: d.id, edit: '1' });
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  return (
    <FormDialog open={open} onClose={onClose} title={t('dashboards.new')} action={t('dashboards.create')} busy={create.isPending} onAction={() => void submit()}>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <TextField label={t('dashboards.name')} value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} autoFocus />
      <VisibilityField kind="dashboards" value={visibility} onChange={setVisibility} hint={t('dashboards.visibilityHint')} />
    </FormDialog>
  );
}

function DeleteDialog({ dashboard, etag, onClose, onDone }: { dashboard: DashboardDoc | null; etag?: string; onClose: () => void; onDone: (name: string) => void }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const del = useDeleteDashboard(org.slug);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setError(null), [dashboard]);
  const run = async () => {
    if (!dashboard) return;
    try {
      await del.mutateAsync({ id: dashboard.id, etag: etag ?? `"${dashboard.version}"` });
      onDone(dashboard.name);
      onClose();
    } catch (e) {
      setError(isConflict(e) ? t('dashboards.conflict') : errorText(t, e));
    }
  };
  return (
    <ActionDialog open={!!dashboard} onClose={onClose} title={t('dashboards.deleteTitle')} action={t('common.delete')} danger busy={del.isPending} onAction={() => void run()}>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <p>{dashboard ? t('dashboards.deleteConfirm', { name: dashboard.name }) : null}</p>
    </ActionDialog>
  );
}

interface Draft {
  board: Board;
  visibility: Visibility;
  etag: string;
}

function SavedDashboard({ id, startEditing }: { id: string; startEditing: boolean }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const href = useHref();
  const go = useGo();
  const q = useDashboard(org.slug, id);
  const save = useUpdateDashboard(org.slug);
  const mayEdit = useMayEdit();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const doc = q.data?.dashboard;
  const editable = !!doc && mayEdit(doc);
  const startEdit = useCallback(() => {
    if (!q.data) return;
    setDraft({ board: boardOf(q.data.dashboard), visibility: q.data.dashboard.visibility, etag: q.data.etag });
    setNotice(null);
  }, [q.data]);
  useEffect(() => {
    if (startEditing && editable && !draft && !conflict) startEdit();
    // Only when the dashboard first arrives.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editable]);
  const update = useCallback((fn: (prev: Board) => Partial<Board>) => setDraft((d) => (d ? { ...d, board: { ...d.board, ...fn(d.board) } } : d)), []);
  const saved = useMemo(() => (doc ? boardOf(doc) : null), [doc]);

  if (q.isPending) return <Spinner label={t('common.loading')} />;
  if (q.isError)
    return (
      <div>
        <PageHeader title={t('dashboards.title')} />
        <Alert tone="error">{errorText(t, q.error)}</Alert>
        <p>
          <Link to={href(`/o/${org.slug}/dashboards`)}>{t('dashboards.backToList')}</Link>
        </p>
      </div>
    );
  const board = draft?.board ?? saved!;
  const submit = async () => {
    if (!draft) return;
    if (!draft.board.name.trim()) {
      setError(t('dashboards.nameRequired'));
      return;
    }
    setError(null);
    try {
      await save.mutateAsync({ id, etag: draft.etag, patch: boardInput(draft.board, { visibility: draft.visibility }) });
      setDraft(null);
      setNotice(t('dashboards.savedNotice', { name: draft.board.name.trim() }));
    } catch (e) {
      if (isConflict(e)) setConflict(true);
      else setError(errorText(t, e));
    }
  };
  const reload = async () => {
    setConflict(false);
    setDraft(null);
    setError(null);
    await q.refetch();
  };

  return (
    <div>
      <PageHeader title={board.name || t('dashboards.untitled')} description={q.data.dashboard.description || undefined}>
        <Link className="btn btn-secondary btn-md" to={href(`/o/${org.slug}/dashboards`)}>
          {t('dashboards.backToList')}
        </Link>
        {editable && !draft ? (
          <>
            <Button onClick={startEdit} aria-controls="dashboard-editor">
              {t('dashboards.edit')}
            </Button>
            <Button variant="danger" onClick={() => setDeleting(true)}>
              {t('common.delete')}
            </Button>
          </>
        ) : null}
        {draft ? (
          <>
            <Button onClick={() => setDraft(null)}>{t('dashboards.discard')}</Button>
            <Button variant="primary" busy={save.isPending} onClick={() => void submit()}>
              {t('dashboards.save')}
            </Button>
          </>
        ) : null}
      </PageHeader>
      <p className="muted">
        <VisibilityBadge kind="dashboards" visibility={q.data.dashboard.visibility} />
      </p>
      {!editable ? <Alert tone="info">{canWrite(org) ? t('dashboards.readOnlyNotOwner') : t('dashboards.readOnlyViewer')}</Alert> : null}
      {conflict ? (
        <Alert
          tone="warning"
          title={t('dashboards.conflictTitle')}
          action={
            <Button variant="primary" onClick={() => void reload()}>
              {t('dashboards.reload')}
            </Button>
          }
        >
          {t('dashboards.conflict')}
        </Alert>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {draft ? <BoardEditor board={draft.board} update={update} visibility={draft.visibility} onVisibility={(v) => setDraft((d) => (d ? { ...d, visibility: v } : d))} /> : null}
      <BoardView board={board} />
      <DeleteDialog dashboard={deleting ? q.data.dashboard : null} etag={q.data.etag} onClose={() => setDeleting(false)} onDone={() => go(`/o/${org.slug}/dashboards`)} />
    </div>
  );
}

/** A dashboard that lives in its URL (an ad-hoc ?v= link): editable in place, and savable as a dashboard. */
function UrlDashboard() {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const locale = useLocale();
  const go = useGo();
  const serialize = useCallback((d: Dashboard) => dashboardToParams(d, locale), [locale]);
  const [dash, setDash] = useUrlState(paramsToDashboard, serialize);
  const board = useMemo(() => boardOfUrl(dash), [dash]);
  const update = useCallback(
    (fn: (prev: Board) => Partial<Board>) =>
      setDash((prev) => {
        const b = boardOfUrl(prev);
        const next = { ...b, ...fn(b) };
        return { name: next.name, views: next.panels.map((p) => p.view_id), filters: next.filters, from: next.from, to: next.to };
      }),
    [setDash],
  );
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const saveAs = async () => {
    setBusy(true);
    setError(null);
    try {
      const d = await createDashboard(org.slug, boardInput({ ...board, name: board.name || t('dashboards.untitled') }, { visibility: 'private' }));
      go(`/o/${org.slug}/dashboards`, { id: d.id, edit: '1' });
    } catch (e) {
      setError(errorText(t, e));
      setBusy(false);
    }
  };
  return (
    <div>
      <PageHeader title={board.name || t('dashboards.untitled')} description={t('dashboards.urlDashboard')}>
        <Button onClick={() => setEditing((e) => !e)} aria-expanded={editing} aria-controls="dashboard-editor">
          {editing ? t('dashboards.doneEditing') : t('dashboards.edit')}
        </Button>
        {canWrite(org) ? (
          <Button variant="primary" busy={busy} onClick={() => void saveAs()}>
            {t('dashboards.saveAsDashboard')}
          </Button>
        ) : null}
      </PageHeader>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {editing ? <BoardEditor board={board} update={update} /> : null}
      <BoardView board={board} />
    </div>
  );
}
