// Administration: members and invites, entitlements, tenant uploads, usage,
// the audit log as activity, and the source catalog. Owners and admins act;
// everyone else sees the entitlements and the sources, and why the rest is
// not theirs to change.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { useMembers, useSources } from '../../api/hooks';
import type { SourceInfo, SourceRequirement, SourceStatus } from '../../api/types';
import { Alert, Badge, PageHeader, Spinner, Table } from '../../ui';
import { errorText, useOrgContext } from '../../layout/Shell';
import { isAdmin, useHref, useLocale } from '../../layout/nav';
import { formatDateTime, formatInteger, formatPeriod, slaDays } from '../../lib/format';
import Members from './Members';
import Invites from './Invites';
import Entitlements from './Entitlements';
import Uploads from './Uploads';
import Usage from './Usage';
import Audit from './Audit';
import './admin.css';

export { UsageStatus } from './Usage';

/** The admin screens, in the order of the tabs; readable marks those every member may open. */
const SCREENS = [
  { id: 'members', readable: false, element: <Members /> },
  { id: 'invites', readable: false, element: <Invites /> },
  { id: 'entitlements', readable: true, element: <Entitlements /> },
  { id: 'uploads', readable: false, element: <Uploads /> },
  { id: 'usage', readable: false, element: <Usage /> },
  { id: 'audit', readable: false, element: <Audit /> },
  { id: 'sources', readable: true, element: <Sources /> },
] as const;

export default function Admin() {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const href = useHref();
  const admin = isAdmin(org);
  const base = `/o/${org.slug}/admin`;
  const shown = SCREENS.filter((s) => admin || s.readable);
  return (
    <div>
      <PageHeader title={t('admin.title')} description={admin ? t('admin.description') : t('admin.descriptionReadOnly')} />
      {admin ? null : <WhyReadOnly />}
      <nav aria-label={t('admin.sections')} className="subnav">
        <ul>
          {shown.map((s) => (
            <li key={s.id}>
              <NavLink to={href(`${base}/${s.id}`)}>{t(`admin.${s.id}`)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<Navigate to={href(`${base}/${shown[0].id}`)} replace />} />
        {SCREENS.map((s) => (
          <Route key={s.id} path={s.id} element={admin || s.readable ? s.element : <AdminOnly screen={s.id} />} />
        ))}
      </Routes>
    </div>
  );
}

/** Why a viewer or analyst sees only part of this area, and whom to ask. */
function WhyReadOnly({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const members = useMembers(org.slug);
  const admins = (members.data ?? []).filter((m) => m.role === 'admin' || m.role === 'owner').map((m) => m.email);
  return (
    <Alert tone="info" title={t('admin.readOnlyTitle', { role: t(`roles.${org.role}`) })}>
      <p>{t('admin.readOnlyBody')}</p>
      {admins.length ? <p>{t('admin.askAdmins', { emails: admins.join(', ') })}</p> : null}
      {children}
    </Alert>
  );
}

/** A screen only owners and admins open, reached by a viewer or analyst (a link, a bookmark). */
function AdminOnly({ screen }: { screen: string }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="admin-only-title">
      <h2 id="admin-only-title">{t(`admin.${screen}`)}</h2>
      <p>{t('admin.adminOnly')}</p>
    </section>
  );
}

function Sources() {
  const { t } = useTranslation();
  const sources = useSources();
  return (
    <section aria-labelledby="sources-title">
      <h2 id="sources-title">{t('admin.sources')}</h2>
      <SourcesStatus query={sources} />
    </section>
  );
}

/** What the screens need of a query's state (a TanStack Query result fits). */
export interface QueryState<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
}

/** GET /v1/sources as the catalog; a failure (404, 403 no_membership, …) is shown as an error. */
export function SourcesStatus({ query }: { query: QueryState<SourceInfo[]> }) {
  const { t } = useTranslation();
  if (query.isError) return <Alert tone="error">{errorText(t, query.error)}</Alert>;
  if (query.isPending) return <Spinner label={t('common.loading')} />;
  return query.data ? <SourceCatalog sources={query.data} /> : null;
}

/** The table of GET /v1/sources: each source's freshness, its last load's rows and the reference data it depends on. */
export function SourceCatalog({ sources }: { sources: SourceInfo[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const titles = new Map(sources.map((s) => [s.id, s.title]));
  const name = (id: string) => t(`sources.${id}`, { defaultValue: titles.get(id) || id });
  return (
    <Table
      caption={t('admin.sourcesCaption')}
      rows={sources}
      rowKey={(s) => s.id}
      empty={t('admin.sourcesEmpty')}
      columns={[
        {
          key: 'id',
          header: t('admin.source'),
          rowHeader: true,
          cell: (s) => (
            <>
              {s.url && /^https?:\/\//.test(s.url) ? (
                <a href={s.url} target="_blank" rel="noreferrer">
                  {name(s.id)}
                </a>
              ) : (
                name(s.id)
              )}
              {s.synthetic ? (
                <>
                  {' '}
                  <Badge tone="info">{t('admin.synthetic')}</Badge>
                </>
              ) : null}
            </>
          ),
        },
        { key: 'owner', header: t('admin.owner'), cell: (s) => s.owner || '—' },
        { key: 'status', header: t('admin.status'), cell: (s) => <SourceStatusBadge status={s.status} error={s.last_error} /> },
        { key: 'freq', header: t('admin.frequency'), cell: (s) => (s.frequency ? t(`admin.frequencies.${s.frequency}`, { defaultValue: s.frequency }) : '—') },
        { key: 'sla', header: t('admin.sla'), cell: (s) => describeSla(s.sla, t) },
        { key: 'updated', header: t('admin.lastUpdated'), cell: (s) => (s.last_updated_at ? formatDateTime(s.last_updated_at, locale) : t('admin.never')) },
        { key: 'wm', header: t('admin.watermark'), cell: (s) => (s.watermark ? formatPeriod(s.watermark, locale) : '—') },
        { key: 'rows', header: t('admin.rowsLoaded'), align: 'end', cell: (s) => <RowCounts source={s} /> },
        { key: 'requires', header: t('admin.dependsOn'), cell: (s) => <Requirements requires={s.requires} name={name} /> },
        { key: 'checksum', header: t('admin.checksum'), cell: (s) => (s.checksum ? <code className="small" title={s.checksum}>{s.checksum.slice(0, 12)}</code> : '—') },
      ]}
    />
  );
}

/** The rows the last load published, with what it landed and what the source's contract left out beneath. */
function RowCounts({ source: s }: { source: SourceInfo }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const more: string[] = [];
  if (s.rows_landed != null) more.push(t('admin.rowsLanded', { count: s.rows_landed, formatted: formatInteger(s.rows_landed, locale) }));
  if (s.rows_skipped != null) more.push(t('admin.rowsSkipped', { count: s.rows_skipped, formatted: formatInteger(s.rows_skipped, locale) }));
  if (s.rows_loaded == null && more.length === 0) return <>—</>;
  return (
    <>
      {s.rows_loaded != null ? formatInteger(s.rows_loaded, locale) : '—'}
      {more.length ? (
        <div className="small muted">
          {more.map((m, i) => (
            <span key={i}>
              {i > 0 ? <span className="visually-hidden">,</span> : null}
              {i > 0 ? <span aria-hidden="true"> · </span> : null}
              {m}
            </span>
          ))}
        </div>
      ) : null}
    </>
  );
}

/** The reference data a source depends on, by name: whether only names come from it, and which of the source's layouts need it. */
function Requirements({ requires, name }: { requires?: SourceRequirement[]; name: (id: string) => string }) {
  const { t } = useTranslation();
  if (!requires?.length) return <>—</>;
  return (
    <ul className="stack-list">
      {requires.map((q, i) => {
        const notes = [q.names_only ? t('admin.namesOnly') : null, q.for?.length ? t('admin.requiredFor', { layouts: q.for.join(', ') }) : null].filter((n): n is string => n !== null);
        return (
          <li key={`${q.source}-${i}`} title={q.load || undefined}>
            {name(q.source)}
            {notes.length ? <span className="small muted"> ({notes.join('; ')})</span> : null}
          </li>
        );
      })}
    </ul>
  );
}

const SOURCE_TONES: Record<SourceStatus, 'success' | 'warning' | 'error' | 'neutral'> = { ok: 'success', stale: 'warning', failed: 'error', empty: 'neutral' };

/** A source's state in words (never colour alone), with the last load's error when it failed. */
function SourceStatusBadge({ status, error }: { status?: SourceStatus; error?: string }) {
  const { t } = useTranslation();
  if (!status) return <>—</>;
  return (
    <>
      <Badge tone={SOURCE_TONES[status] ?? 'neutral'}>{t(`admin.sourceStatuses.${status}`, { defaultValue: status })}</Badge>
      {error ? <div className="small wrap">{error}</div> : null}
    </>
  );
}

/** "45 days" (PostgreSQL's interval text) in the reader's language; anything else as it is. */
function describeSla(sla: string | undefined, t: ReturnType<typeof useTranslation>['t']): string {
  if (!sla) return '—';
  const days = slaDays(sla);
  return days === null ? sla : t('admin.slaDays', { count: days });
}
