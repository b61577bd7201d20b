// Reports: order one from a saved view (POST /reports → 202); the history
// (GET /reports, everyone's or ?mine=true, the choice kept in the URL) polls
// itself while a report is queued or running, offers the download while the
// file exists and deletes a finished report (DELETE /reports/{id}).
// Schedules: presets (daily, weekly, monthly at a time) built into cron, the
// cron shown only as a detail; create, edit (PATCH), run now (POST
// /schedules/{id}/run), pause, delete, and each schedule's runs
// (GET /reports?schedule_id=).
// Both endpoints exist: any failure of their lists, 404 included, is shown as
// an error.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { apiData, orgPath } from '../api/client';
import { useMe, useReportsList, useSchedules, useViews } from '../api/hooks';
import type { Report, ReportFormat, Schedule } from '../api/types';
import { ActionDialog, Alert, Badge, Button, CheckboxField, PageHeader, SelectField, Spinner, Table, Tabs, TextField } from '../ui';
import { errorText, useOrgContext } from '../layout/Shell';
import { QueryError } from '../layout/QueryStatus';
import { useAction } from '../layout/useAction';
import { canWrite, isAdmin, useLocale } from '../layout/nav';
import { formatBytes, formatDateTime } from '../lib/format';
import { DEFAULT_PRESET, cronToPreset, presetToCron, type Frequency, type Preset } from '../lib/schedulePreset';

const FORMATS: ReportFormat[] = ['pdf', 'docx', 'html'];

export default function Reports() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'schedules' ? 'schedules' : 'reports';
  const setTab = (id: string) =>
    setParams(
      (p) => {
        const n = new URLSearchParams(p);
        if (id === 'schedules') n.set('tab', id);
        else n.delete('tab');
        return n;
      },
      { replace: true },
    );
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
export const ListError = QueryError;

const statusTone = (s: string) => (s === 'succeeded' ? 'success' : s === 'failed' ? 'error' : 'info') as 'success' | 'error' | 'info';

/** A failed report's reason in words, from its stable code; the server's sentence when the code is new. */
export function failureText(t: TFunction, r: Pick<Report, 'error' | 'error_code'>): string {
  if (r.error_code) return t(`reports.failures.${r.error_code}`, { defaultValue: r.error ?? t('reports.statuses.failed') });
  return r.error ?? t('reports.statuses.failed');
}

function ReportsTab() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const views = useViews(org.slug);
  const [params, setParams] = useSearchParams();
  const mine = params.get('who') === 'mine';
  const server = useReportsList(org.slug, { mine });
  const qc = useQueryClient();
  const [viewId, setViewId] = useState('');
  const [format, setFormat] = useState<ReportFormat>('pdf');
  const [title, setTitle] = useState('');
  const { busy, error, setError, run } = useAction();
  const [notice, setNotice] = useState<string | null>(null);

  const setMine = (v: boolean) =>
    setParams(
      (p) => {
        const n = new URLSearchParams(p);
        if (v) n.set('who', 'mine');
        else n.delete('who');
        return n;
      },
      { replace: true },
    );

  const order = async () => {
    setError(null);
    setNotice(null);
    if (!viewId) {
      setError(t('reports.chooseView'));
      return;
    }
    await run(async () => {
      const v = views.data?.find((x) => x.id === viewId);
      // The report's title: the one typed, or else the view's name (the server would use the dataset's title).
      const body: Record<string, unknown> = { locale };
      const named = title.trim() || v?.name.trim();
      if (named) body.title = named;
      await apiData<Report>(orgPath(org.slug, '/reports'), { method: 'POST', body: { template: 'standard', format, view_id: viewId, params: body } });
      await qc.invalidateQueries({ queryKey: ['reports', org.slug] });
    });
  };

  return (
    <>
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
      <h2>{t('reports.history')}</h2>
      <div className="btn-group" role="group" aria-label={t('reports.whose')}>
        <Button size="sm" variant={mine ? 'secondary' : 'primary'} aria-pressed={!mine} onClick={() => setMine(false)}>
          {t('reports.everyone')}
        </Button>
        <Button size="sm" variant={mine ? 'primary' : 'secondary'} aria-pressed={mine} onClick={() => setMine(true)}>
          {t('reports.mine')}
        </Button>
      </div>
      <ListError query={server} />
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {server.isPending ? <Spinner label={t('common.loading')} /> : null}
      <div aria-live="polite">
        <ReportTable reports={server.data ?? []} caption={t('reports.caption')} empty={mine ? t('reports.noneMine') : t('reports.none')} onDeleted={(r) => setNotice(t('reports.reportDeleted', { name: r.view_name ?? r.id.slice(0, 8) }))} />
      </div>
    </>
  );
}

/** Reports with who ordered what, when, status, size, download or failure, and delete for the requester or an admin. */
function ReportTable({ reports, caption, empty, onDeleted }: { reports: Report[]; caption: string; empty: string; onDeleted: (r: Report) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const me = useMe();
  const [deleting, setDeleting] = useState<Report | null>(null);
  const mayDelete = (r: Report) => (r.status === 'succeeded' || r.status === 'failed') && (isAdmin(org) || (!!r.requested_by && r.requested_by === me.data?.user.id));
  const name = (r: Report) => r.view_name || t('reports.noView');
  return (
    <>
      <Table
        caption={caption}
        captionHidden
        rows={reports}
        rowKey={(r) => r.id}
        empty={empty}
        columns={[
          { key: 'view', header: t('reports.view'), rowHeader: true, cell: name },
          { key: 'format', header: t('reports.format'), cell: (r) => (r.format ? t(`reports.formats.${r.format}`) : '—') },
          { key: 'by', header: t('reports.requestedBy'), cell: (r) => r.requested_by_email || '—' },
          { key: 'at', header: t('reports.orderedAt'), cell: (r) => (r.created_at ? formatDateTime(r.created_at, locale) : '—') },
          { key: 'status', header: t('reports.status'), cell: (r) => <Badge tone={statusTone(r.status)}>{t(`reports.statuses.${r.status}`)}</Badge> },
          { key: 'size', header: t('reports.size'), align: 'end', cell: (r) => (r.size_bytes ? formatBytes(r.size_bytes, locale) : '—') },
          {
            key: 'download',
            header: t('reports.download'),
            cell: (r) =>
              r.status === 'succeeded' && r.download_url ? (
                <a href={r.download_url} className="btn btn-secondary btn-sm" download>
                  {t('reports.downloadNamed', { format: r.format ? t(`reports.formats.${r.format}`) : '' })}
                </a>
              ) : r.status === 'failed' ? (
                <span className="field-error">{failureText(t, r)}</span>
              ) : (
                '—'
              ),
          },
          {
            key: 'actions',
            header: t('common.actions'),
            cell: (r) =>
              mayDelete(r) ? (
                <Button size="sm" variant="danger" onClick={() => setDeleting(r)} aria-label={t('reports.deleteReportNamed', { name: name(r) })}>
                  {t('common.delete')}
                </Button>
              ) : (
                '—'
              ),
          },
        ]}
      />
      <ConfirmDeleteDialog item={deleting} list="reports" title={t('reports.deleteReportTitle')} confirm={(r) => t('reports.deleteReportConfirm', { name: r.view_name || r.id.slice(0, 8) })} onClose={() => setDeleting(null)} onDone={onDeleted} />
    </>
  );
}

/**
 * Confirms and deletes one org resource of a list (a report, a schedule):
 * DELETE /{list}/{id}, then the list's queries are refetched. Open while item is set.
 */
function ConfirmDeleteDialog<T extends { id: string }>({ item, list, title, confirm, onClose, onDone }: {
  item: T | null;
  list: 'reports' | 'schedules';
  title: string;
  confirm: (item: T) => string;
  onClose: () => void;
  onDone: (item: T) => void;
}) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const qc = useQueryClient();
  const { busy, error, setError, run } = useAction();
  useEffect(() => setError(null), [item, setError]);
  const remove = async () => {
    if (item === null) return;
    await run(async () => {
      await apiData(orgPath(org.slug, `/${list}/${encodeURIComponent(item.id)}`), { method: 'DELETE' });
      await qc.invalidateQueries({ queryKey: [list, org.slug] });
      onDone(item);
      onClose();
    });
  };
  return (
    <ActionDialog open={item !== null} onClose={onClose} title={title} action={t('common.delete')} danger busy={busy} onAction={() => void remove()}>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <p>{item !== null ? confirm(item) : null}</p>
    </ActionDialog>
  );
}

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];
const DAYS = Array.from({ length: 28 }, (_, i) => i + 1);

/** A schedule's frequency in words ("Semanal, segunda às 08:00"). */
export function describeCron(t: TFunction, cron: string): string {
  const p = cronToPreset(cron);
  switch (p.frequency) {
    case 'daily':
      return t('reports.every.daily', { time: p.time });
    case 'weekly':
      return t('reports.every.weekly', { time: p.time, weekday: t(`reports.weekdays.${p.weekday}`) });
    case 'monthly':
      return t('reports.every.monthly', { time: p.time, day: p.day });
    default:
      return t('reports.every.custom');
  }
}

interface ScheduleDraft {
  name: string;
  viewId: string;
  format: ReportFormat;
  preset: Preset;
  timezone: string;
  recipients: string;
  enabled: boolean;
}

const emptyDraft: ScheduleDraft = { name: '', viewId: '', format: 'pdf', preset: DEFAULT_PRESET, timezone: 'America/Sao_Paulo', recipients: '', enabled: true };

const draftOf = (s: Schedule): ScheduleDraft => ({
  name: s.name,
  viewId: s.view_id,
  format: s.format,
  preset: cronToPreset(s.cron),
  timezone: s.timezone,
  recipients: s.recipients.join(', '),
  enabled: s.enabled,
});

function SchedulesTab() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const schedules = useSchedules(org.slug);
  const views = useViews(org.slug);
  const qc = useQueryClient();
  const [draft, setDraft] = useState<ScheduleDraft>(emptyDraft);
  const [editing, setEditing] = useState<Schedule | null>(null);
  const { busy, error, setError, run } = useAction();
  const [created, setCreated] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [runsOf, setRunsOf] = useState<Schedule | null>(null);

  const act = async (id: string, fn: () => Promise<string>) => {
    setError(null);
    setCreated(null);
    setPending(id);
    try {
      setCreated(await fn());
      await qc.invalidateQueries({ queryKey: ['schedules', org.slug] });
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setPending(null);
    }
  };
  const path = (sc: Schedule, rest = '') => orgPath(org.slug, `/schedules/${encodeURIComponent(sc.id)}${rest}`);
  const toggle = (sc: Schedule) =>
    act(sc.id, async () => {
      await apiData<Schedule>(path(sc), { method: 'PATCH', body: { enabled: !sc.enabled } });
      return t(sc.enabled ? 'reports.schedulePaused' : 'reports.scheduleResumed', { name: sc.name });
    });
  const runNow = (sc: Schedule) =>
    act(sc.id, async () => {
      // One click is one report: the key is made per click.
      await apiData<Report>(path(sc, '/run'), { method: 'POST', headers: { 'Idempotency-Key': crypto.randomUUID() } });
      setRunsOf(sc);
      await qc.invalidateQueries({ queryKey: ['reports', org.slug] });
      return t('reports.runStarted', { name: sc.name });
    });

  const submit = async () => {
    setError(null);
    setCreated(null);
    const cron = presetToCron(draft.preset);
    if (!draft.name.trim() || !draft.viewId) {
      setError(t('reports.scheduleRequired'));
      return;
    }
    if (!cron) {
      setError(t('reports.presetInvalid'));
      return;
    }
    await run(async () => {
      const common = {
        name: draft.name.trim(),
        format: draft.format,
        cron,
        timezone: draft.timezone,
        recipients: draft.recipients
          .split(/[,;\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
        enabled: draft.enabled,
      };
      if (editing) {
        await apiData<Schedule>(path(editing), { method: 'PATCH', body: common });
        setCreated(t('reports.scheduleSaved', { name: common.name }));
      } else {
        await apiData<Schedule>(orgPath(org.slug, '/schedules'), { method: 'POST', body: { ...common, view_id: draft.viewId, template: 'standard', params: { locale } } });
        setCreated(t('reports.scheduleCreated', { name: common.name }));
      }
      setDraft(emptyDraft);
      setEditing(null);
      void qc.invalidateQueries({ queryKey: ['schedules', org.slug] });
    });
  };

  return (
    <>
      <ListError query={schedules} />
      {canWrite(org) ? (
        <ScheduleForm
          draft={draft}
          setDraft={setDraft}
          editing={editing}
          busy={busy}
          error={error}
          notice={created}
          views={(views.data ?? []).map((v) => ({ value: v.id, label: v.name }))}
          onSubmit={() => void submit()}
          onCancel={() => {
            setEditing(null);
            setDraft(emptyDraft);
          }}
        />
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
            {
              key: 'when',
              header: t('reports.frequency'),
              cell: (s) => (
                <>
                  {describeCron(t, s.cron)}
                  <br />
                  <small className="field-hint">
                    {t('reports.cronDetail')}: <code>{`${s.cron} (${s.timezone})`}</code>
                  </small>
                </>
              ),
            },
            { key: 'enabled', header: t('reports.enabled'), cell: (s) => (s.enabled ? t('common.yes') : t('common.no')) },
            { key: 'next', header: t('reports.nextRun'), cell: (s) => (s.enabled && s.next_run_at ? formatDateTime(s.next_run_at, locale) : '—') },
            { key: 'last', header: t('reports.lastRun'), cell: (s) => (s.last_run_at ? formatDateTime(s.last_run_at, locale) : '—') },
            {
              key: 'actions',
              header: t('common.actions'),
              cell: (s: Schedule) => (
                <div className="btn-group">
                  <Button size="sm" onClick={() => setRunsOf(runsOf?.id === s.id ? null : s)} aria-label={t('reports.runsNamed', { name: s.name })} aria-expanded={runsOf?.id === s.id}>
                    {t('reports.runs')}
                  </Button>
                  {canWrite(org) ? (
                    <>
                      <Button size="sm" busy={pending === s.id} onClick={() => void runNow(s)} aria-label={t('reports.runNowNamed', { name: s.name })}>
                        {t('reports.runNow')}
                      </Button>
                      <Button
                        size="sm"
                        onClick={() => {
                          setEditing(s);
                          setDraft(draftOf(s));
                        }}
                        aria-label={t('reports.editScheduleNamed', { name: s.name })}
                      >
                        {t('reports.edit')}
                      </Button>
                      <Button size="sm" busy={pending === s.id} onClick={() => void toggle(s)} aria-label={t(s.enabled ? 'reports.pauseNamed' : 'reports.resumeNamed', { name: s.name })}>
                        {t(s.enabled ? 'reports.pause' : 'reports.resume')}
                      </Button>
                      <Button size="sm" variant="danger" onClick={() => setDeleting(s)} aria-label={t('reports.deleteScheduleNamed', { name: s.name })}>
                        {t('common.delete')}
                      </Button>
                    </>
                  ) : null}
                </div>
              ),
            },
          ]}
        />
      ) : null}
      {runsOf ? <ScheduleRuns schedule={runsOf} /> : null}
      <ConfirmDeleteDialog
        item={deleting}
        list="schedules"
        title={t('reports.deleteScheduleTitle')}
        confirm={(sc) => t('reports.deleteScheduleConfirm', { name: sc.name })}
        onClose={() => setDeleting(null)}
        onDone={(sc) => {
          setError(null);
          setCreated(t('reports.scheduleDeleted', { name: sc.name }));
        }}
      />
    </>
  );
}

/** The create/edit form: a preset (frequency, time, weekday or day) with the cron it makes as a detail. */
function ScheduleForm(props: {
  draft: ScheduleDraft;
  setDraft: (d: ScheduleDraft) => void;
  editing: Schedule | null;
  busy: boolean;
  error: string | null;
  notice: string | null;
  views: { value: string; label: string }[];
  onSubmit: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { draft, setDraft, editing } = props;
  const p = draft.preset;
  const setPreset = (np: Partial<Preset>) => {
    const next = { ...p, ...np };
    setDraft({ ...draft, preset: { ...next, cron: next.frequency === 'custom' ? next.cron : (presetToCron(next) ?? next.cron) } });
  };
  return (
    <form
      className="card form-row"
      aria-labelledby="schedule-title"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <h2 id="schedule-title">{editing ? t('reports.editSchedule', { name: editing.name }) : t('reports.newSchedule')}</h2>
      {props.error ? <Alert tone="error">{props.error}</Alert> : null}
      {props.notice ? <Alert tone="success">{props.notice}</Alert> : null}
      <div className="grid-3">
        <TextField label={t('reports.scheduleName')} value={draft.name} maxLength={200} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <SelectField label={t('reports.view')} value={draft.viewId} disabled={!!editing} placeholder={t('explore.choose')} options={props.views} onChange={(e) => setDraft({ ...draft, viewId: e.target.value })} />
        <SelectField label={t('reports.format')} value={draft.format} options={FORMATS.map((f) => ({ value: f, label: t(`reports.formats.${f}`) }))} onChange={(e) => setDraft({ ...draft, format: e.target.value as ReportFormat })} />
        <SelectField
          label={t('reports.frequency')}
          value={p.frequency}
          options={(['daily', 'weekly', 'monthly', 'custom'] as Frequency[]).map((k) => ({ value: k, label: t(`reports.frequencies.${k}`) }))}
          onChange={(e) => setPreset({ frequency: e.target.value as Frequency })}
        />
        {p.frequency !== 'custom' ? <TextField label={t('reports.time')} type="time" value={p.time} required onChange={(e) => setPreset({ time: e.target.value })} /> : null}
        {p.frequency === 'weekly' ? (
          <SelectField label={t('reports.weekday')} value={String(p.weekday)} options={WEEKDAYS.map((d) => ({ value: String(d), label: t(`reports.weekdays.${d}`) }))} onChange={(e) => setPreset({ weekday: Number(e.target.value) })} />
        ) : null}
        {p.frequency === 'monthly' ? (
          <SelectField label={t('reports.dayOfMonth')} value={String(p.day)} options={DAYS.map((d) => ({ value: String(d), label: String(d) }))} onChange={(e) => setPreset({ day: Number(e.target.value) })} hint={t('reports.dayOfMonthHint')} />
        ) : null}
        <TextField label={t('reports.timezone')} value={draft.timezone} onChange={(e) => setDraft({ ...draft, timezone: e.target.value })} />
      </div>
      <TextField className="field-detail" label={t('reports.cron')} value={p.cron} disabled={p.frequency !== 'custom'} onChange={(e) => setPreset({ cron: e.target.value })} hint={t('reports.cronHint')} />
      <TextField label={t('reports.recipients')} type="text" value={draft.recipients} onChange={(e) => setDraft({ ...draft, recipients: e.target.value })} hint={t('reports.recipientsHint')} />
      <CheckboxField label={t('reports.enabled')} checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} />
      <div className="btn-group">
        <Button type="submit" variant="primary" busy={props.busy}>
          {editing ? t('reports.saveSchedule') : t('reports.createSchedule')}
        </Button>
        {editing ? <Button onClick={props.onCancel}>{t('common.cancel')}</Button> : null}
      </div>
    </form>
  );
}

/** One schedule's runs (GET /reports?schedule_id=), with their outcome. */
function ScheduleRuns({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const runs = useReportsList(org.slug, { schedule_id: schedule.id });
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">{t('reports.runsTitle', { name: schedule.name })}</h2>
      <ListError query={runs} />
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {runs.isPending ? <Spinner label={t('common.loading')} /> : null}
      <ReportTable reports={runs.data ?? []} caption={t('reports.runs')} empty={t('reports.noRuns')} onDeleted={() => setNotice(t('reports.runDeleted'))} />
    </section>
  );
}
