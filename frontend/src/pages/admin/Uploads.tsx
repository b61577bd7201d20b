// Tenant CSV uploads: drop or choose a file, see the contract's errors by
// line and column, follow the upload until it is loaded, and the list.
import { useEffect, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiData, orgPath } from '../../api/client';
import { useUploads } from '../../api/hooks';
import type { Upload, UploadStatus } from '../../api/types';
import { Alert, Badge, Spinner, Table } from '../../ui';
import { errorText, useOrgContext } from '../../layout/Shell';
import { useLocale } from '../../layout/nav';
import { formatBytes, formatDateTime, formatInteger, formatPeriod } from '../../lib/format';
import { rowProblems, type RowProblem } from './figures';
import { postUpload } from './upload';
import { QueryStatus } from '../../layout/QueryStatus';

const TONES: Record<UploadStatus, 'info' | 'success' | 'error'> = { received: 'info', loaded: 'success', failed: 'error' };

/** An upload's status in words, never colour alone. */
export function UploadBadge({ status }: { status: UploadStatus }) {
  const { t } = useTranslation();
  return <Badge tone={TONES[status] ?? 'neutral'}>{t(`admin.uploadStatuses.${status}`, { defaultValue: status })}</Badge>;
}

/** The contract's refusals: one row per line and column, in the file's order. */
export function RowProblems({ problems }: { problems: RowProblem[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <Table
      caption={t('admin.uploadProblemsCaption', { count: problems.length })}
      rows={problems}
      rowKey={(p, i) => `${p.line ?? '-'}-${p.column}-${i}`}
      columns={[
        { key: 'line', header: t('admin.line'), rowHeader: true, align: 'end', cell: (p) => (p.line === null ? '—' : formatInteger(p.line, locale)) },
        { key: 'column', header: t('admin.column'), cell: (p) => <code>{p.column}</code> },
        { key: 'reason', header: t('admin.problem'), cell: (p) => p.reason },
      ]}
    />
  );
}

export default function Uploads() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const qc = useQueryClient();
  const list = useUploads(org.slug);
  const [dragging, setDragging] = useState(false);
  const [current, setCurrent] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: (f: File) => postUpload(org.slug, f),
    onSuccess: (u) => {
      setCurrent(u.id);
      qc.setQueryData(['upload', org.slug, u.id], u);
      void qc.invalidateQueries({ queryKey: ['uploads', org.slug] });
    },
  });
  // The upload just sent, polled until the loader says loaded or failed.
  const upload = useQuery({
    queryKey: ['upload', org.slug, current],
    queryFn: () => apiData<Upload>(orgPath(org.slug, `/uploads/${encodeURIComponent(current!)}`)),
    enabled: !!current,
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'received' ? false : 1000),
  });
  const status = upload.data?.status;
  useEffect(() => {
    // The list shows the final status as soon as the upload reaches it.
    if (status && status !== 'received') void qc.invalidateQueries({ queryKey: ['uploads', org.slug] });
  }, [status, qc, org.slug]);
  const choose = (files: FileList | null) => {
    const f = files?.[0];
    if (!f) return;
    setCurrent(null);
    send.mutate(f);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    choose(e.dataTransfer.files);
  };
  const problems = send.error instanceof ApiError && send.error.status === 400 && send.error.errors.length ? rowProblems(send.error.errors) : null;
  return (
    <section aria-labelledby="uploads-title">
      <h2 id="uploads-title">{t('admin.uploads')}</h2>
      <p className="muted">{t('admin.uploadsHelp')}</p>
      <pre className="small upload-sample" aria-label={t('admin.uploadSample')}>{'month;municipio;metric;value\n2024-01;4314902;clientes_ativos;1234\n2024-01;4304606;clientes_ativos;87,5'}</pre>
      <div
        className={`dropzone card${dragging ? ' dropzone-over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>{t('admin.dropHere')}</p>
        <label className="field-label" htmlFor="upload-file">
          {t('admin.chooseFile')}
        </label>
        <input
          id="upload-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            choose(e.target.files);
            e.target.value = '';
          }}
        />
        {send.isPending ? <Spinner label={t('admin.uploading')} /> : null}
      </div>
      {send.isError ? (
        <Alert tone="error" title={problems ? t('admin.uploadRefused') : undefined}>
          {problems ? <p>{send.error instanceof ApiError ? send.error.detail : null}</p> : errorText(t, send.error)}
        </Alert>
      ) : null}
      {problems ? <RowProblems problems={problems} /> : null}
      {upload.isError ? <Alert tone="error">{errorText(t, upload.error)}</Alert> : null}
      {upload.data ? <UploadOutcome upload={upload.data} /> : null}
      <h3>{t('admin.uploadsList')}</h3>
      <QueryStatus query={list} />
      {list.data ? (
        <Table
          caption={t('admin.uploadsCaption', { count: list.data.data.length })}
          rows={list.data.data}
          rowKey={(u) => u.id}
          empty={t('admin.uploadsEmpty')}
          columns={[
            { key: 'file', header: t('admin.file'), rowHeader: true, cell: (u) => u.file_name || '—' },
            { key: 'status', header: t('admin.status'), cell: (u) => <UploadBadge status={u.status} /> },
            { key: 'rows', header: t('admin.rows'), align: 'end', cell: (u) => formatInteger(u.rows, locale) },
            { key: 'dataset', header: t('explore.dataset'), cell: (u) => <UploadDataset upload={u} /> },
            { key: 'period', header: t('admin.period'), cell: (u) => (u.period_from ? `${formatPeriod(u.period_from, locale)} – ${formatPeriod(u.period_to, locale)}` : '—') },
            { key: 'size', header: t('admin.size'), align: 'end', cell: (u) => formatBytes(u.bytes, locale) },
            { key: 'at', header: t('admin.sentAt'), cell: (u) => formatDateTime(u.created_at, locale) },
          ]}
        />
      ) : null}
    </section>
  );
}

/** Where an upload's rows went: the org's own dataset, with the metrics it holds. */
function UploadDataset({ upload: u }: { upload: Upload }) {
  const { t } = useTranslation();
  return (
    <>
      {t('admin.tenantDataset')}
      {u.metrics?.length ? <div className="small muted">{u.metrics.join(', ')}</div> : null}
    </>
  );
}

/** The upload just sent: waiting for the loader, loaded (rows, period) or failed (why). */
export function UploadOutcome({ upload: u }: { upload: Upload }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (u.status === 'received') return <Alert tone="info" title={t('admin.uploadReceived', { file: u.file_name })}><Spinner label={t('admin.uploadLoading')} /></Alert>;
  if (u.status === 'failed') return <Alert tone="error" title={t('admin.uploadFailed', { file: u.file_name })}>{u.error || '—'}</Alert>;
  return (
    <Alert tone="success" title={t('admin.uploadLoaded', { file: u.file_name })}>
      {t('admin.uploadLoadedDetail', {
        count: u.rows,
        rows: formatInteger(u.rows, locale),
        metrics: (u.metrics ?? []).join(', ') || '—',
        from: u.period_from ? formatPeriod(u.period_from, locale) : '—',
        to: u.period_to ? formatPeriod(u.period_to, locale) : '—',
      })}
    </Alert>
  );
}
