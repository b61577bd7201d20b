// Reports: order one from a saved view (POST /reports → 202), watch its status
// update on its own (GET /reports/{id} every few seconds until succeeded or
// failed), download it. Schedules: list, create, pause or resume, delete
// (GET/POST /schedules, PATCH/DELETE /schedules/{id}).
// Both endpoints exist: any failure of their lists, 404 included, is shown as
// an error; a 404 means "gone" only for one report's status.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { apiData, isNotFound, orgPath } from '../api/client';
import { fetchReport, useReportsList, useSchedules, useViews } from '../api/hooks';
import type { Report, ReportFormat, Schedule } from '../api/types';
import { Alert, Badge, Button, CheckboxField, Dialog, PageHeader, SelectField, Spinner, Table, Tabs, TextField } from '../ui';
import { errorText, useOrgContext } from '../layout/Shell';
import { canWrite, useLocale } from '../layout/nav';
import { formatDateTime } from '../lib/format';

const FORMATS: ReportFormat[] = ['pdf', 'docx', 'html'];

interface Tracked {
  id: string;
  view_id: string;
  view_name: string;
  format: ReportFormat;
  created_at: string;
}

const storeKey = (org: string) => `mirante.reports.${org}`;
function loadTracked(org: string): Tracked[] {
  try {
    const v = JSON.parse(localStorage.getItem(storeKey(org)) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as Tracked[]) : [];
  } catch {
    return [];
  }
}
function saveTracked(org: string, list: Tracked[]) {
  try {
    localStorage.setItem(storeKey(org), JSON.stringify(list.slice(0, 50)));
  } catch {
    /* ignore */
  }
}

export default function Reports() {
  const { t } = useTranslation();
  const [tab, setTab] = useState('reports');
  return (
    <div>
      <PageHeader title={t('reports.title')} description={t('reports.description')} />
      <Tabs
        label={t('reports.sections')}
        value={tab}
        onChange={setTab}
        tabs={[
          { id: 'reports', label: t('reports.ordered') },
          { id: 'schedules', label: t('reports.schedules') },
        ]}
      >
        {tab === 'reports' ? <ReportsTab /> : <SchedulesTab />}
      </Tabs>
    </div>
  );
}

/** A list that failed (GET /reports, GET /schedules): the endpoints exist, so any failure, 404 included, is an error. */
export function ListError({ query }: { query: { isError: boolean; error: unknown } }) {
  const { t } = useTranslation();
  return query.isError ? <Alert tone="error">{errorText(t, query.error)}</Alert> : null;
}

const statusTone = (s: string) => (s === 'succeeded' ? 'success' : s === 'failed' ? 'error' : 'info') as 'success' | 'error' | 'info';

function ReportsTab() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const views = useViews(org.slug);
  const server = useReportsList(org.slug);
  const qc = useQueryClient();
  const [tracked, setTracked] = useState<Tracked[]>(() => loadTracked(org.slug));
  const [viewId, setViewId] = useState('');
  const [format, setFormat] = useState<ReportFormat>('pdf');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => saveTracked(org.slug, tracked), [org.slug, tracked]);

  const statuses = useQueries({
    queries: tracked.map((r) => ({
      queryKey: ['report', org.slug, r.id],
      queryFn: () => fetchReport(org.slug, r.id),
      retry: false,
      refetchInterval: (q: { state: { data?: Report; error: unknown } }) => {
        const s = q.state.data?.status;
        if (q.state.error || s === 'succeeded' || s === 'failed') return false;
        return 2000;
      },
    })),
  });

  const order = async () => {
    setError(null);
    if (!viewId) {
      setError(t('reports.chooseView'));
      return;
    }
    setBusy(true);
    try {
      const v = views.data?.find((x) => x.id === viewId);
      // The report's title: the one typed, or else the view's name (the server would use the dataset's title).
      const params: Record<string, unknown> = { locale };
      const named = title.trim() || v?.name.trim();
      if (named) params.title = named;
      const r = await apiData<Report>(orgPath(org.slug, '/reports'), { method: 'POST', body: { template: 'standard', format, view_id: viewId, params } });
      setTracked((list) => [{ id: r.id, view_id: viewId, view_name: v?.name ?? viewId, format, created_at: new Date().toISOString() }, ...list.filter((x) => x.id !== r.id)]);
      qc.setQueryData(['report', org.slug, r.id], r);
      void qc.invalidateQueries({ queryKey: ['reports', org.slug] });
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const rows = tracked.map((r, i) => ({ tracked: r, q: statuses[i] }));
  const serverOnly = (server.data ?? []).filter((r) => !tracked.some((x) => x.id === r.id));

  return (
    <>
      <ListError query={server} />
      {canWrite(org) ? (
        <form
          className="card form-row"
          aria-labelledby="order-title"
          onSubmit={(e) => {
            e.preventDefault();
            void order();
          }}
        >
          <h2 id="order-title">{t('reports.order')}</h2>
          {error ? <Alert tone="error">{error}</Alert> : null}
          <div className="grid-3">
            <SelectField
              label={t('reports.view')}
              value={viewId}
              placeholder={views.isPending ? t('common.loading') : t('explore.choose')}
              options={(views.data ?? []).map((v) => ({ value: v.id, label: v.name }))}
              onChange={(e) => setViewId(e.target.value)}
            />
            <SelectField label={t('reports.format')} value={format} options={FORMATS.map((f) => ({ value: f, label: t(`reports.formats.${f}`) }))} onChange={(e) => setFormat(e.target.value as ReportFormat)} />
            <TextField label={t('reports.reportTitle')} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} hint={t('reports.reportTitleHint')} />
          </div>
          <p className="field-hint">{t('reports.templateNote')}</p>
          <Button type="submit" variant="primary" busy={busy}>
            {t('reports.submit')}
          </Button>
        </form>
      ) : (
        <Alert tone="info">{t('reports.viewerNote')}</Alert>
      )}
      <h2>{t('reports.ordered')}</h2>
      <div aria-live="polite">
        <Table
          caption={t('reports.caption')}
          captionHidden
          rows={rows}
          rowKey={(r) => r.tracked.id}
          empty={t('reports.none')}
          columns={[
            { key: 'view', header: t('reports.view'), rowHeader: true, cell: (r) => r.tracked.view_name },
            { key: 'format', header: t('reports.format'), cell: (r) => t(`reports.formats.${r.tracked.format}`) },
            { key: 'at', header: t('reports.orderedAt'), cell: (r) => formatDateTime(r.tracked.created_at, locale) },
            {
              key: 'status',
              header: t('reports.status'),
              cell: (r) => {
                if (r.q.isError) return <Badge tone={isNotFound(r.q.error) ? 'warning' : 'error'}>{isNotFound(r.q.error) ? t('reports.statusUnknown') : errorText(t, r.q.error)}</Badge>;
                const s = r.q.data?.status;
                return s ? <Badge tone={statusTone(s)}>{t(`reports.statuses.${s}`)}</Badge> : <Spinner label={t('common.loading')} />;
              },
            },
            {
              key: 'download',
              header: t('reports.download'),
              cell: (r) =>
                r.q.data?.status === 'succeeded' && r.q.data.download_url ? (
                  <a href={r.q.data.download_url} className="btn btn-secondary btn-sm" download>
                    {t('reports.downloadNamed', { format: t(`reports.formats.${r.tracked.format}`) })}
                  </a>
                ) : r.q.data?.status === 'failed' ? (
                  <span className="field-error">{r.q.data.error ?? t('reports.statuses.failed')}</span>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </div>
      {serverOnly.length ? (
        <>
          <h2>{t('reports.others')}</h2>
          <Table
            caption={t('reports.othersCaption')}
            captionHidden
            rows={serverOnly}
            rowKey={(r) => r.id}
            columns={[
              { key: 'id', header: t('reports.id'), rowHeader: true, cell: (r) => r.id.slice(0, 8) },
              { key: 'format', header: t('reports.format'), cell: (r) => (r.format ? t(`reports.formats.${r.format}`) : '—') },
              { key: 'at', header: t('reports.orderedAt'), cell: (r) => (r.created_at ? formatDateTime(r.created_at, locale) : '—') },
              { key: 'status', header: t('reports.status'), cell: (r) => <Badge tone={statusTone(r.status)}>{t(`reports.statuses.${r.status}`)}</Badge> },
            ]}
          />
        </>
      ) : null}
    </>
  );
}

const PRESETS: Record<string, string> = { daily: '0 8 * * *', weekly: '0 8 * * 1', monthly: '0 8 1 * *' };

function SchedulesTab() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const schedules = useSchedules(org.slug);
  const views = useViews(org.slug);
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [viewId, setViewId] = useState('');
  const [format, setFormat] = useState<ReportFormat>('pdf');
  const [preset, setPreset] = useState('weekly');
  const [cron, setCron] = useState(PRESETS.weekly);
  const [timezone, setTimezone] = useState('America/Sao_Paulo');
  const [recipients, setRecipients] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);

  const toggle = async (sc: Schedule) => {
    setError(null);
    setCreated(null);
    setToggling(sc.id);
    try {
      await apiData<Schedule>(orgPath(org.slug, `/schedules/${encodeURIComponent(sc.id)}`), { method: 'PATCH', body: { enabled: !sc.enabled } });
      setCreated(t(sc.enabled ? 'reports.schedulePaused' : 'reports.scheduleResumed', { name: sc.name }));
      await qc.invalidateQueries({ queryKey: ['schedules', org.slug] });
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setToggling(null);
    }
  };

  const submit = async () => {
    setError(null);
    setCreated(null);
    if (!name.trim() || !viewId) {
      setError(t('reports.scheduleRequired'));
      return;
    }
    setBusy(true);
    try {
      const body = {
        name: name.trim(),
        view_id: viewId,
        template: 'standard',
        format,
        cron,
        timezone,
        recipients: recipients
          .split(/[,;\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
        enabled,
        params: { locale },
      };
      await apiData<Schedule>(orgPath(org.slug, '/schedules'), { method: 'POST', body });
      setCreated(t('reports.scheduleCreated', { name: name.trim() }));
      setName('');
      void qc.invalidateQueries({ queryKey: ['schedules', org.slug] });
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ListError query={schedules} />
      {canWrite(org) ? (
        <form
          className="card form-row"
          aria-labelledby="schedule-title"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <h2 id="schedule-title">{t('reports.newSchedule')}</h2>
          {error ? <Alert tone="error">{error}</Alert> : null}
          {created ? <Alert tone="success">{created}</Alert> : null}
          <div className="grid-3">
            <TextField label={t('reports.scheduleName')} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
            <SelectField label={t('reports.view')} value={viewId} placeholder={t('explore.choose')} options={(views.data ?? []).map((v) => ({ value: v.id, label: v.name }))} onChange={(e) => setViewId(e.target.value)} />
            <SelectField label={t('reports.format')} value={format} options={FORMATS.map((f) => ({ value: f, label: t(`reports.formats.${f}`) }))} onChange={(e) => setFormat(e.target.value as ReportFormat)} />
            <SelectField
              label={t('reports.frequency')}
              value={preset}
              options={[...Object.keys(PRESETS), 'custom'].map((k) => ({ value: k, label: t(`reports.frequencies.${k}`) }))}
              onChange={(e) => {
                setPreset(e.target.value);
                if (PRESETS[e.target.value]) setCron(PRESETS[e.target.value]);
              }}
            />
            <TextField label={t('reports.cron')} value={cron} disabled={preset !== 'custom'} onChange={(e) => setCron(e.target.value)} hint={t('reports.cronHint')} />
            <TextField label={t('reports.timezone')} value={timezone} onChange={(e) => setTimezone(e.target.value)} />
          </div>
          <TextField label={t('reports.recipients')} type="text" value={recipients} onChange={(e) => setRecipients(e.target.value)} hint={t('reports.recipientsHint')} />
          <CheckboxField label={t('reports.enabled')} checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          <Button type="submit" variant="primary" busy={busy}>
            {t('reports.createSchedule')}
          </Button>
        </form>
      ) : null}
      <h2>{t('reports.schedules')}</h2>
      {schedules.isPending ? <Spinner label={t('common.loading')} /> : null}
      {schedules.data ? (
        <Table
          caption={t('reports.schedulesCaption')}
          captionHidden
          rows={schedules.data}
          rowKey={(s) => s.id}
          empty={t('reports.noSchedules')}
          columns={[
            { key: 'name', header: t('reports.scheduleName'), rowHeader: true, cell: (s) => s.name },
            { key: 'view', header: t('reports.view'), cell: (s) => views.data?.find((v) => v.id === s.view_id)?.name ?? s.view_id },
            { key: 'format', header: t('reports.format'), cell: (s) => t(`reports.formats.${s.format}`, { defaultValue: s.format }) },
            { key: 'cron', header: t('reports.cron'), cell: (s) => `${s.cron} (${s.timezone})` },
            { key: 'enabled', header: t('reports.enabled'), cell: (s) => (s.enabled ? t('common.yes') : t('common.no')) },
            { key: 'next', header: t('reports.nextRun'), cell: (s) => (s.next_run_at ? formatDateTime(s.next_run_at, locale) : '—') },
            { key: 'last', header: t('reports.lastRun'), cell: (s) => (s.last_run_at ? formatDateTime(s.last_run_at, locale) : '—') },
            ...(canWrite(org)
              ? [
                  {
                    key: 'actions',
                    header: t('common.actions'),
                    cell: (s: Schedule) => (
                      <div className="btn-group">
                        <Button size="sm" busy={toggling === s.id} onClick={() => void toggle(s)} aria-label={t(s.enabled ? 'reports.pauseNamed' : 'reports.resumeNamed', { name: s.name })}>
                          {t(s.enabled ? 'reports.pause' : 'reports.resume')}
                        </Button>
                        <Button size="sm" variant="danger" onClick={() => setDeleting(s)} aria-label={t('reports.deleteScheduleNamed', { name: s.name })}>
                          {t('common.delete')}
                        </Button>
                      </div>
                    ),
                  },
                ]
              : []),
          ]}
        />
      ) : null}
      <DeleteScheduleDialog
        schedule={deleting}
        onClose={() => setDeleting(null)}
        onDone={(name) => {
          setError(null);
          setCreated(t('reports.scheduleDeleted', { name }));
        }}
      />
    </>
  );
}

function DeleteScheduleDialog({ schedule, onClose, onDone }: { schedule: Schedule | null; onClose: () => void; onDone: (name: string) => void }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setError(null), [schedule]);
  return (
    <Dialog
      open={!!schedule}
      onClose={onClose}
      title={t('reports.deleteScheduleTitle')}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            variant="danger"
            busy={busy}
            onClick={async () => {
              if (!schedule) return;
              setBusy(true);
              try {
                await apiData(orgPath(org.slug, `/schedules/${encodeURIComponent(schedule.id)}`), { method: 'DELETE' });
                await qc.invalidateQueries({ queryKey: ['schedules', org.slug] });
                onDone(schedule.name);
                onClose();
              } catch (e) {
                setError(errorText(t, e));
              } finally {
                setBusy(false);
              }
            }}
          >
            {t('common.delete')}
          </Button>
        </>
      }
    >
      {error ? <Alert tone="error">{error}</Alert> : null}
      <p>{schedule ? t('reports.deleteScheduleConfirm', { name: schedule.name }) : null}</p>
    </Dialog>
  );
}
