// Views and dashboards are owned by one member and seen by that member alone
// or by the whole org: their lists, badges and visibility pickers.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me, OrgRef, Visibility } from '../api/types';
import { formatDateTime } from '../lib/format';
import { Alert, Badge, SelectField, Table, Tabs, type TabItem, type TableColumn } from '../ui';
import { useOrgContext } from './Shell';
import { isAdmin, useLocale } from './nav';
import { QueryStatus } from './QueryStatus';

/** The section of the translations that names a kind of owned resource. */
export type OwnedKind = 'views' | 'dashboards';

/** What every owned resource carries. */
export interface Owned {
  id: string;
  owner_id: string;
  visibility: Visibility;
  updated_at: string;
  owner?: { email: string } | null;
}

/** Its owner may change it, and so may an admin when the org sees it. */
export function ownerOrOrgAdmin(org: OrgRef, me: Me, r: Pick<Owned, 'owner_id' | 'visibility'>): boolean {
  return r.owner_id === me.user.id || (isAdmin(org) && r.visibility === 'org');
}

export function VisibilityBadge({ kind, visibility }: { kind: OwnedKind; visibility: Visibility }) {
  const { t } = useTranslation();
  return <Badge tone={visibility === 'org' ? 'info' : 'neutral'}>{t(`${kind}.${visibility}`)}</Badge>;
}

/** Who sees the resource: its owner only, or the whole org. */
export function VisibilityField({ kind, value, onChange, hint, error }: { kind: OwnedKind; value: Visibility; onChange: (v: Visibility) => void; hint?: ReactNode; error?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <SelectField
      label={t(`${kind}.visibility`)}
      value={value}
      options={[
        { value: 'private', label: t(`${kind}.private`) },
        { value: 'org', label: t(`${kind}.org`) },
      ]}
      onChange={(e) => onChange(e.target.value as Visibility)}
      hint={hint}
      error={error}
    />
  );
}

/** The columns every list of owned resources shows; actions are offered on the rows mayEdit allows, the rest say they are read-only. */
export function useOwnedColumns<R extends Owned>(kind: OwnedKind) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { me } = useOrgContext();
  const visibility: TableColumn<R> = { key: 'visibility', header: t(`${kind}.visibility`), cell: (r) => <VisibilityBadge kind={kind} visibility={r.visibility} /> };
  const owner: TableColumn<R> = { key: 'owner', header: t('views.owner'), cell: (r) => (r.owner_id === me.user.id ? t('views.you') : (r.owner?.email ?? '—')) };
  const updated: TableColumn<R> = { key: 'updated', header: t('views.updated'), cell: (r) => formatDateTime(r.updated_at, locale) };
  const actions = (mayEdit: (r: R) => boolean, cell: (r: R) => ReactNode): TableColumn<R> => ({
    key: 'actions',
    header: t('common.actions'),
    cell: (r) => (mayEdit(r) ? cell(r) : <span className="muted">{t('views.readOnly')}</span>),
  });
  return { visibility, owner, updated, actions };
}

/** A list of owned resources under tabs that filter it: the last action's notice, then the list, its loading or its failure. */
export function OwnedList<R extends Owned>({
  label,
  tabs,
  tab,
  onTab,
  notice,
  query,
  caption,
  empty,
  columns,
}: {
  label: string;
  tabs: TabItem[];
  tab: string;
  onTab: (id: string) => void;
  notice: string | null;
  query: { isPending: boolean; isError: boolean; error: unknown; data?: R[] };
  caption: (count: number) => string;
  empty: string;
  columns: TableColumn<R>[];
}) {
  return (
    <>
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      <Tabs label={label} value={tab} onChange={onTab} tabs={tabs}>
        <QueryStatus query={query} />
        {query.data ? <Table caption={caption(query.data.length)} rows={query.data} rowKey={(r) => r.id} empty={empty} columns={columns} /> : null}
      </Tabs>
    </>
  );
}
