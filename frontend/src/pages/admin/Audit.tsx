// The audit log as activity: each entry a sentence ("Ana salvou a visão X"),
// filtered by person, action type and period; the filters live in the URL
// (?user=&action=&from=&to=), so a reload or a shared link keeps them.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { fetchAudit, useMembers, type AuditFilter } from '../../api/hooks';
import { Badge, Button, SelectField, Table, TextField } from '../../ui';
import { useOrgContext } from '../../layout/Shell';
import { useLocale } from '../../layout/nav';
import { formatDateTime } from '../../lib/format';
import { ACTION_TYPES, activitySentence, addDays } from './figures';
import { QueryStatus } from '../../layout/QueryStatus';

const FILTER_KEYS = ['user', 'action', 'from', 'to'] as const;

/** The screen's filters as the URL holds them: from and to are days, both included. */
export function filterFromURL(p: URLSearchParams): AuditFilter {
  const f: AuditFilter = {};
  for (const k of FILTER_KEYS) {
    const v = p.get(k);
    if (v) f[k] = v;
  }
  return f;
}

/** The API's filters: an action type is a prefix ("views."), and to is exclusive (the day after). */
export function apiFilter(f: AuditFilter): AuditFilter {
  return {
    user: f.user,
    action: f.action ? (f.action.includes('.') ? f.action : `${f.action}.`) : undefined,
    from: f.from,
    to: f.to ? addDays(f.to, 1) : undefined,
  };
}

export default function Audit() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const members = useMembers(org.slug);
  const [params, setParams] = useSearchParams();
  const filter = filterFromURL(params);
  const [draft, setDraft] = useState<AuditFilter>(filter);
  const apply = (f: AuditFilter) => {
    const next = new URLSearchParams(params);
    for (const k of FILTER_KEYS) {
      if (f[k]) next.set(k, f[k]!);
      else next.delete(k);
    }
    setParams(next);
  };
  const audit = useInfiniteQuery({
    queryKey: ['audit', org.slug, filter],
    queryFn: ({ pageParam }) => fetchAudit(org.slug, apiFilter(filter), pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const entries = audit.data?.pages.flatMap((p) => p.data) ?? [];
  const emailOf = (id: string) => members.data?.find((m) => m.user_id === id)?.email;
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('admin.audit')}</h2>
      <p className="muted">{t('admin.auditHelp')}</p>
      <form
        className="card form-row"
        aria-label={t('admin.auditFilters')}
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <div className="grid-4">
          <SelectField
            label={t('admin.person')}
            value={draft.user ?? ''}
            placeholder={t('admin.anyone')}
            options={(members.data ?? []).map((m) => ({ value: m.user_id, label: m.email }))}
            onChange={(e) => setDraft({ ...draft, user: e.target.value || undefined })}
          />
          <SelectField
            label={t('admin.actionType')}
            value={draft.action ?? ''}
            placeholder={t('admin.anyAction')}
            options={ACTION_TYPES.map((a) => ({ value: a, label: t(`admin.actionTypes.${a}`) }))}
            onChange={(e) => setDraft({ ...draft, action: e.target.value || undefined })}
          />
          <TextField label={t('admin.fromDate')} type="date" value={draft.from ?? ''} onChange={(e) => setDraft({ ...draft, from: e.target.value || undefined })} />
          <TextField label={t('admin.toDate')} type="date" value={draft.to ?? ''} onChange={(e) => setDraft({ ...draft, to: e.target.value || undefined })} />
        </div>
        <div className="btn-group">
          <Button type="submit" variant="primary">
            {t('admin.applyFilters')}
          </Button>
          <Button
            onClick={() => {
              setDraft({});
              apply({});
            }}
          >
            {t('admin.clearFilters')}
          </Button>
        </div>
      </form>
      <QueryStatus query={audit} />
      {audit.data ? (
        <Table
          caption={t('admin.activityCaption', { count: entries.length })}
          rows={entries}
          rowKey={(e) => String(e.id)}
          empty={t('admin.auditEmpty')}
          columns={[
            { key: 'what', header: t('admin.activityColumn'), rowHeader: true, cell: (e) => activitySentence(t, e, emailOf(e.user_id)) },
            { key: 'at', header: t('admin.at'), cell: (e) => formatDateTime(e.at, locale) },
            { key: 'who', header: t('admin.person'), cell: (e) => emailOf(e.user_id) ?? (e.user_id ? e.user_id.slice(0, 8) : '—') },
            {
              key: 'detail',
              header: t('admin.detail'),
              cell: (e) => (
                <>
                  <code className="small">{e.action}</code> <Badge tone={e.status >= 400 ? 'error' : 'success'}>{String(e.status)}</Badge>
                </>
              ),
            },
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
