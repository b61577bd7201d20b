// Entitlements: which public datasets the org may read. Owners and admins
// switch each one on or off; everyone else sees the list and why they cannot.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiData, orgPath } from '../../api/client';
import { keys, useDatasets, useEntitlements } from '../../api/hooks';
import type { DatasetInfo, Entitlements as EntitlementList } from '../../api/types';
import { Alert, Badge, CheckboxField, Table } from '../../ui';
import { errorText, useOrgContext } from '../../layout/Shell';
import { isAdmin, useLocale } from '../../layout/nav';
import { pickText } from '../../lib/format';
import { QueryError, QueryStatus } from '../../layout/QueryStatus';

/** Every public dataset: those the API offers, those the org reads, those it holds; sorted by id. */
export function publicDatasetIds(available: { id: string }[] | undefined, datasets: DatasetInfo[] | undefined, entitled: string[] | undefined): string[] {
  const ids = new Set((available ?? []).map((d) => d.id));
  for (const d of datasets ?? []) if (d.scope === 'public') ids.add(d.id);
  for (const id of entitled ?? []) ids.add(id);
  return [...ids].sort();
}

export default function Entitlements() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org } = useOrgContext();
  const qc = useQueryClient();
  const ent = useEntitlements(org.slug);
  const datasets = useDatasets(org.slug);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canEdit = isAdmin(org);
  const save = useMutation({
    mutationFn: (next: string[]) => apiData<EntitlementList>(orgPath(org.slug, '/entitlements'), { method: 'PUT', body: { datasets: next } }),
    onSuccess: (r, _next) => {
      qc.setQueryData(['entitlements', org.slug], r);
      void qc.invalidateQueries({ queryKey: keys.datasets(org.slug) });
    },
    onError: (e) => setError(errorText(t, e)),
  });
  const entitled = new Set(ent.data?.datasets ?? []);
  const ids = publicDatasetIds(ent.data?.available, datasets.data, ent.data?.datasets);
  const title = (id: string) => {
    const d = ent.data?.available?.find((x) => x.id === id) ?? datasets.data?.find((x) => x.id === id);
    return d ? pickText(d.title, locale, id) : id;
  };
  const toggle = (id: string, on: boolean) => {
    setError(null);
    const next = on ? [...entitled, id] : [...entitled].filter((x) => x !== id);
    save.mutate(next.sort(), { onSuccess: () => setNotice(t(on ? 'admin.entitlementOn' : 'admin.entitlementOff', { dataset: title(id) })) });
  };
  return (
    <section aria-labelledby="entitlements-title">
      <h2 id="entitlements-title">{t('admin.entitlements')}</h2>
      <p className="muted">{t('admin.entitlementsHelp')}</p>
      {canEdit ? null : <Alert tone="info">{t('admin.entitlementsReadOnly', { role: t(`roles.${org.role}`) })}</Alert>}
      {error ? <Alert tone="error">{error}</Alert> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      <QueryStatus query={ent} />
      <QueryError query={datasets} />
      {ent.data ? (
        <Table
          caption={t('admin.entitlementsCaption', { count: entitled.size, total: ids.length })}
          rows={ids}
          rowKey={(id) => id}
          columns={[
            { key: 'title', header: t('explore.dataset'), rowHeader: true, cell: (id) => title(id) },
            { key: 'id', header: t('admin.datasetId'), cell: (id) => <code>{id}</code> },
            {
              key: 'on',
              header: t('admin.entitled'),
              cell: (id) =>
                canEdit ? (
                  <CheckboxField
                    label={t('admin.entitleNamed', { dataset: title(id) })}
                    checked={entitled.has(id)}
                    disabled={save.isPending}
                    onChange={(e) => toggle(id, e.target.checked)}
                  />
                ) : (
                  <Badge tone={entitled.has(id) ? 'success' : 'neutral'}>{entitled.has(id) ? t('admin.entitledYes') : t('admin.entitledNo')}</Badge>
                ),
            },
          ]}
        />
      ) : null}
    </section>
  );
}
