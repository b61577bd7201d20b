// Administration (admins and owners): members and roles, the audit log,
// usage against quotas, and the source catalog with its freshness.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, apiData, orgPath } from '../../api/client';
import { fetchAudit, keys, useDatasets, useInvites, useMembers, useOrg, useSources, useUsage, useViews, type AuditFilter } from '../../api/hooks';
import type { Invite, IssuedInvite, Member, Role, SourceInfo, SourceRequirement, SourceStatus } from '../../api/types';
import { inviteURL } from '../../lib/invite';
import { Alert, Badge, Button, Dialog, PageHeader, SelectField, Spinner, Table, TextField } from '../../ui';
import { errorText, useOrgContext } from '../../layout/Shell';
import { isAdmin, useHref, useLocale } from '../../layout/nav';
import { formatDate, formatDateTime, formatInteger, formatPeriod, pickText, slaDays } from '../../lib/format';

const ROLES: Role[] = ['viewer', 'analyst', 'admin', 'owner'];

export default function Admin() {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const href = useHref();
  if (!isAdmin(org)) {
    return (
      <div>
        <PageHeader title={t('admin.title')} />
        <Alert tone="error">{t('admin.forbidden')}</Alert>
      </div>
    );
  }
  const base = `/o/${org.slug}/admin`;
  return (
    <div>
      <PageHeader title={t('admin.title')} description={t('admin.description')} />
      <nav aria-label={t('admin.sections')} className="subnav">
        <ul>
          {(['members', 'audit', 'usage', 'sources'] as const).map((s) => (
            <li key={s}>
              <NavLink to={href(`${base}/${s}`)}>{t(`admin.${s}`)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<Navigate to={href(`${base}/members`)} replace />} />
        <Route path="members" element={<Members />} />
        <Route path="audit" element={<Audit />} />
        <Route path="usage" element={<Usage />} />
        <Route path="sources" element={<Sources />} />
      </Routes>
    </div>
  );
}

function Members() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org, me } = useOrgContext();
  const members = useMembers(org.slug);
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: keys.members(org.slug) });
  const grantable = ROLES.filter((r) => r !== 'owner' || org.role === 'owner');

  const [issued, setIssued] = useState<{ invite: IssuedInvite; instead: boolean } | null>(null);
  const add = useMutation({
    mutationFn: () => api<Member | IssuedInvite>(orgPath(org.slug, '/members'), { method: 'POST', body: { email: email.trim(), role } }),
    onSuccess: (r) => {
      if (r.status === 202) {
        // The address's account was never verified: the server invited it instead.
        setIssued({ invite: r.data as IssuedInvite, instead: true });
        void qc.invalidateQueries({ queryKey: keys.invites(org.slug) });
      } else {
        setNotice(t('admin.memberAdded', { email: (r.data as Member).email }));
      }
      setEmail('');
      void invalidate();
    },
    onError: (e) => setError(errorText(t, e)),
  });
  const change = useMutation({
    mutationFn: ({ m, role }: { m: Member; role: Role }) => apiData<Member>(orgPath(org.slug, `/members/${m.user_id}`), { method: 'PATCH', body: { role } }),
    onSuccess: (m) => {
      setNotice(t('admin.roleChanged', { email: m.email, role: t(`roles.${m.role}`) }));
      void invalidate();
    },
    onError: (e) => setError(errorText(t, e)),
  });
  const remove = useMutation({
    mutationFn: (m: Member) => apiData<void>(orgPath(org.slug, `/members/${m.user_id}`), { method: 'DELETE' }),
    onSuccess: () => {
      setNotice(t('admin.memberRemoved', { email: removing?.email ?? '' }));
      setRemoving(null);
      void invalidate();
    },
    onError: (e) => setError(errorText(t, e)),
  });

  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{t('admin.members')}</h2>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {issued ? <IssuedLink invite={issued.invite} instead={issued.instead} onClose={() => setIssued(null)} /> : null}
      <form
        className="card form-row"
        aria-labelledby="add-member-title"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setNotice(null);
          setIssued(null);
          if (!email.trim()) {
            setError(t('admin.emailRequired'));
            return;
          }
          add.mutate();
        }}
      >
        <h3 id="add-member-title">{t('admin.addMember')}</h3>
        <div className="grid-3">
          <TextField label={t('signin.email')} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
          <SelectField label={t('admin.role')} value={role} options={grantable.map((r) => ({ value: r, label: t(`roles.${r}`) }))} onChange={(e) => setRole(e.target.value as Role)} />
          <div className="field field-submit">
            <Button type="submit" variant="primary" busy={add.isPending}>
              {t('admin.add')}
            </Button>
          </div>
        </div>
      </form>
      {members.isPending ? <Spinner label={t('common.loading')} /> : null}
      {members.isError ? <Alert tone="error">{errorText(t, members.error)}</Alert> : null}
      {members.data ? (
        <Table
          caption={t('admin.membersCaption', { count: members.data.length })}
          rows={members.data}
          rowKey={(m) => m.user_id}
          columns={[
            { key: 'email', header: t('signin.email'), rowHeader: true, cell: (m) => (m.user_id === me.user.id ? `${m.email} (${t('views.you')})` : m.email) },
            {
              key: 'role',
              header: t('admin.role'),
              cell: (m) =>
                m.role === 'owner' && org.role !== 'owner' ? (
                  t('roles.owner')
                ) : (
                  <SelectField
                    label={t('admin.roleOf', { email: m.email })}
                    hideLabel
                    className="field-inline"
                    value={m.role}
                    options={grantable.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
                    onChange={(e) => {
                      setError(null);
                      change.mutate({ m, role: e.target.value as Role });
                    }}
                  />
                ),
            },
            { key: 'since', header: t('admin.since'), cell: (m) => formatDate(m.created_at, locale) },
            {
              key: 'actions',
              header: t('common.actions'),
              cell: (m) => (
                <Button size="sm" variant="danger" onClick={() => setRemoving(m)} aria-label={t('admin.removeNamed', { email: m.email })}>
                  {t('common.remove')}
                </Button>
              ),
            },
          ]}
        />
      ) : null}
      <Dialog
        open={!!removing}
        onClose={() => setRemoving(null)}
        title={t('admin.removeTitle')}
        footer={
          <>
            <Button onClick={() => setRemoving(null)}>{t('common.cancel')}</Button>
            <Button variant="danger" busy={remove.isPending} onClick={() => removing && remove.mutate(removing)}>
              {t('common.remove')}
            </Button>
          </>
        }
      >
        <p>{removing ? t('admin.removeConfirm', { email: removing.email }) : null}</p>
      </Dialog>
      <Invitations
        grantable={grantable}
        onIssued={(invite) => {
          setNotice(null);
          setError(null);
          setIssued({ invite, instead: false });
        }}
      />
    </section>
  );
}

/** A new invite's link, shown once: the token is not stored and cannot be read again. */
function IssuedLink({ invite, instead, onClose }: { invite: IssuedInvite; instead: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const link = inviteURL(window.location.origin, invite.token);
  return (
    <Alert
      tone={instead ? 'warning' : 'success'}
      title={instead ? t('admin.invitedInstead', { email: invite.email }) : t('admin.inviteCreated', { email: invite.email })}
      action={<Button size="sm" onClick={onClose}>{t('common.close')}</Button>}
    >
      <p>{t('admin.inviteSend')}</p>
      <div className="form-row">
        <TextField label={t('admin.inviteLink')} readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
        <Button
          size="sm"
          onClick={() => {
            void navigator.clipboard?.writeText(link).then(() => setCopied(true));
          }}
        >
          {copied ? t('admin.copied') : t('admin.copyLink')}
        </Button>
      </div>
    </Alert>
  );
}

const INVITE_TONES = { pending: 'info', accepted: 'success', revoked: 'neutral', expired: 'warning' } as const;

/** Invites: create one, see each one's status, revoke or send a new link. */
function Invitations({ grantable, onIssued }: { grantable: Role[]; onIssued: (i: IssuedInvite) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const invites = useInvites(org.slug);
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: keys.invites(org.slug) });
  const create = useMutation({
    mutationFn: (v: { email: string; role: Role }) => apiData<IssuedInvite>(orgPath(org.slug, '/invites'), { method: 'POST', body: v }),
    onSuccess: (inv) => {
      onIssued(inv);
      setEmail('');
      void invalidate();
    },
    onError: (e) => setError(errorText(t, e)),
  });
  const revoke = useMutation({
    mutationFn: (i: Invite) => apiData<void>(orgPath(org.slug, `/invites/${encodeURIComponent(i.id)}`), { method: 'DELETE' }),
    onSuccess: (_, i) => {
      setNotice(t('admin.inviteRevoked', { email: i.email }));
      void invalidate();
    },
    onError: (e) => setError(errorText(t, e)),
  });
  const manageable = (i: Invite) => i.role !== 'owner' || org.role === 'owner';
  return (
    <section aria-labelledby="invites-title">
      <h3 id="invites-title">{t('admin.invites')}</h3>
      <p className="muted">{t('admin.invitesHelp')}</p>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      <form
        className="card form-row"
        aria-label={t('admin.inviteTitle')}
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setNotice(null);
          if (!email.trim()) {
            setError(t('admin.emailRequired'));
            return;
          }
          create.mutate({ email: email.trim(), role });
        }}
      >
        <div className="grid-3">
          <TextField label={t('signin.email')} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
          <SelectField label={t('admin.role')} value={role} options={grantable.map((r) => ({ value: r, label: t(`roles.${r}`) }))} onChange={(e) => setRole(e.target.value as Role)} />
          <div className="field field-submit">
            <Button type="submit" variant="primary" busy={create.isPending}>
              {t('admin.invite')}
            </Button>
          </div>
        </div>
      </form>
      {invites.isPending ? <Spinner label={t('common.loading')} /> : null}
      {invites.isError ? <Alert tone="error">{errorText(t, invites.error)}</Alert> : null}
      {invites.data ? (
        <Table
          caption={t('admin.invitesCaption', { count: invites.data.length })}
          rows={invites.data}
          rowKey={(i) => i.id}
          empty={t('admin.invitesEmpty')}
          columns={[
            { key: 'email', header: t('signin.email'), rowHeader: true, cell: (i) => i.email },
            { key: 'role', header: t('admin.role'), cell: (i) => t(`roles.${i.role}`) },
            { key: 'status', header: t('admin.status'), cell: (i) => <Badge tone={INVITE_TONES[i.status]}>{t(`admin.inviteStatuses.${i.status}`)}</Badge> },
            { key: 'expires', header: t('admin.inviteExpires'), cell: (i) => formatDateTime(i.expires_at, locale) },
            {
              key: 'actions',
              header: t('common.actions'),
              cell: (i) =>
                !manageable(i) || i.status === 'accepted' ? null : (
                  <span className="invite-row-actions">
                    <Button size="sm" onClick={() => create.mutate({ email: i.email, role: i.role })} aria-label={t('admin.newLinkNamed', { email: i.email })}>
                      {t('admin.newLink')}
                    </Button>
                    {i.status === 'pending' ? (
                      <Button size="sm" variant="danger" busy={revoke.isPending && revoke.variables?.id === i.id} onClick={() => revoke.mutate(i)} aria-label={t('admin.revokeNamed', { email: i.email })}>
                        {t('admin.revoke')}
                      </Button>
                    ) : null}
                  </span>
                ),
            },
          ]}
        />
      ) : null}
    </section>
  );
}

const KNOWN_ACTIONS = ['query.run', 'views.create', 'views.update', 'views.delete', 'members.add', 'members.update', 'members.remove', 'invites.create', 'invites.revoke', 'invites.accept', 'entitlements.set', 'reports.order'];

function Audit() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const members = useMembers(org.slug);
  const [draft, setDraft] = useState<AuditFilter>({});
  const [filter, setFilter] = useState<AuditFilter>({});
  const audit = useInfiniteQuery({
    queryKey: ['audit', org.slug, filter],
    queryFn: ({ pageParam }) => fetchAudit(org.slug, filter, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const entries = audit.data?.pages.flatMap((p) => p.data) ?? [];
  const emailOf = (id: string) => members.data?.find((m) => m.user_id === id)?.email ?? id.slice(0, 8);
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('admin.audit')}</h2>
      <form
        className="card form-row"
        aria-label={t('admin.auditFilters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ ...draft });
        }}
      >
        <div className="grid-4">
          <SelectField
            label={t('admin.user')}
            value={draft.user ?? ''}
            placeholder={t('admin.anyone')}
            options={(members.data ?? []).map((m) => ({ value: m.user_id, label: m.email }))}
            onChange={(e) => setDraft({ ...draft, user: e.target.value || undefined })}
          />
          <TextField label={t('admin.action')} list="audit-actions" value={draft.action ?? ''} placeholder="views.create" onChange={(e) => setDraft({ ...draft, action: e.target.value || undefined })} />
          <datalist id="audit-actions">
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <TextField label={t('admin.fromDate')} type="date" value={draft.from ?? ''} onChange={(e) => setDraft({ ...draft, from: e.target.value || undefined })} />
          <TextField label={t('admin.toDate')} type="date" value={draft.to ?? ''} onChange={(e) => setDraft({ ...draft, to: e.target.value || undefined })} hint={t('admin.toHint')} />
        </div>
        <div className="btn-group">
          <Button type="submit" variant="primary">
            {t('admin.applyFilters')}
          </Button>
          <Button
            onClick={() => {
              setDraft({});
              setFilter({});
            }}
          >
            {t('admin.clearFilters')}
          </Button>
        </div>
      </form>
      {audit.isPending ? <Spinner label={t('common.loading')} /> : null}
      {audit.isError ? <Alert tone="error">{errorText(t, audit.error)}</Alert> : null}
      {audit.data ? (
        <Table
          caption={t('admin.auditCaption', { count: entries.length })}
          rows={entries}
          rowKey={(e) => String(e.id)}
          empty={t('admin.auditEmpty')}
          columns={[
            { key: 'at', header: t('admin.at'), rowHeader: true, cell: (e) => formatDateTime(e.at, locale) },
            { key: 'user', header: t('admin.user'), cell: (e) => emailOf(e.user_id) },
            { key: 'action', header: t('admin.action'), cell: (e) => <code>{e.action}</code> },
            { key: 'resource', header: t('admin.resource'), cell: (e) => <code className="wrap">{e.resource}</code> },
            { key: 'status', header: t('admin.status'), cell: (e) => <Badge tone={e.status >= 400 ? 'error' : 'success'}>{String(e.status)}</Badge>, align: 'end' },
            { key: 'summary', header: t('admin.summary'), cell: (e) => <code className="wrap small">{e.summary ? JSON.stringify(e.summary).slice(0, 200) : '—'}</code> },
          ]}
        />
      ) : null}
      {audit.hasNextPage ? (
        <Button busy={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
          {t('common.loadMore')}
        </Button>
      ) : null}
    </section>
  );
}

function Usage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const usage = useUsage(org.slug);
  const detail = useOrg(org.slug);
  const members = useMembers(org.slug);
  const views = useViews(org.slug);
  const datasets = useDatasets(org.slug);
  const rows: [string, string][] = [
    [t('admin.plan'), detail.data?.plan ?? '—'],
    [t('admin.isolation'), detail.data ? t(`admin.isolations.${detail.data.isolation}`) : '—'],
    [t('admin.memberCount'), members.data ? formatInteger(members.data.length, locale) : '—'],
    [t('admin.viewCount'), views.data ? formatInteger(views.data.length, locale) : '—'],
    [t('admin.datasetCount'), datasets.data ? formatInteger(datasets.data.length, locale) : '—'],
  ];
  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">{t('admin.usage')}</h2>
      <UsageStatus query={usage} />
      <Table caption={t('admin.orgFacts')} rows={rows} rowKey={(r) => r[0]} columns={[{ key: 'k', header: t('admin.item'), rowHeader: true, cell: (r) => r[0] }, { key: 'v', header: t('admin.value'), cell: (r) => r[1] }]} />
      {datasets.data ? (
        <Table
          caption={t('admin.limitsCaption')}
          rows={datasets.data}
          rowKey={(d) => d.id}
          columns={[
            { key: 'ds', header: t('explore.dataset'), rowHeader: true, cell: (d) => pickText(d.title, locale, d.id) },
            { key: 'rows', header: t('admin.maxRows'), align: 'end', cell: (d) => formatInteger(d.limits.max_rows, locale) },
            { key: 'span', header: t('admin.maxSpan'), align: 'end', cell: (d) => formatInteger(d.limits.max_span_months, locale) },
            { key: 'dims', header: t('admin.maxDims'), align: 'end', cell: (d) => formatInteger(d.limits.max_dimensions, locale) },
          ]}
        />
      ) : null}
    </section>
  );
}

/** Whatever the usage endpoint answers: numbers with a limit become meters. */
function UsageMeters({ usage }: { usage: Record<string, unknown> }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const items = Object.entries(usage).flatMap(([k, v]) => {
    if (v && typeof v === 'object' && 'used' in (v as object)) {
      const o = v as { used: number; limit?: number };
      return [{ k, used: Number(o.used), limit: o.limit != null ? Number(o.limit) : undefined }];
    }
    if (typeof v === 'number') return [{ k, used: v, limit: undefined }];
    return [];
  });
  if (!items.length) return <pre className="small">{JSON.stringify(usage, null, 2)}</pre>;
  return (
    <ul className="meters">
      {items.map((i) => (
        <li key={i.k}>
          <span className="meter-label" id={`meter-${i.k}`}>
            {t(`admin.usageItems.${i.k}`, { defaultValue: i.k })}
          </span>
          {i.limit ? (
            <>
              <progress aria-labelledby={`meter-${i.k}`} max={i.limit} value={Math.min(i.used, i.limit)} />
              <span>
                {formatInteger(i.used, locale)} / {formatInteger(i.limit, locale)}
              </span>
            </>
          ) : (
            <span>{formatInteger(i.used, locale)}</span>
          )}
        </li>
      ))}
    </ul>
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

/** GET /v1/orgs/{org}/usage as meters; the endpoint exists, so a failure (404 included) is shown as an error. */
export function UsageStatus({ query }: { query: QueryState<Record<string, unknown>> }) {
  const { t } = useTranslation();
  if (query.isError) return <Alert tone="error">{errorText(t, query.error)}</Alert>;
  if (query.isPending) return <Spinner label={t('common.loading')} />;
  return query.data ? <UsageMeters usage={query.data} /> : null;
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
