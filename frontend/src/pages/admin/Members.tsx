// Members and their roles: add by e-mail (an unverified address gets an
// invite instead), change a role, remove.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, apiData, orgPath } from '../../api/client';
import { keys, useMembers } from '../../api/hooks';
import type { IssuedInvite, Member, Role } from '../../api/types';
import { ActionDialog, Alert, Button, SelectField, Table } from '../../ui';
import { errorText, useOrgContext } from '../../layout/Shell';
import { useLocale } from '../../layout/nav';
import { formatDate } from '../../lib/format';
import { GrantForm, IssuedLink, grantableRoles } from './Invites';
import { QueryStatus } from '../../layout/QueryStatus';

export default function Members() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { org, me } = useOrgContext();
  const members = useMembers(org.slug);
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: keys.members(org.slug) });
  const grantable = grantableRoles(org.role);

  const [issued, setIssued] = useState<{ invite: IssuedInvite; instead: boolean } | null>(null);
  const add = useMutation({
    mutationFn: (v: { email: string; role: Role }) => api<Member | IssuedInvite>(orgPath(org.slug, '/members'), { method: 'POST', body: v }),
    onSuccess: (r) => {
      if (r.status === 202) {
        // The address's account was never verified: the server invited it instead.
        setIssued({ invite: r.data as IssuedInvite, instead: true });
        void qc.invalidateQueries({ queryKey: keys.invites(org.slug) });
      } else {
        setNotice(t('admin.memberAdded', { email: (r.data as Member).email }));
      }
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
      <GrantForm
        heading={{ id: 'add-member-title', text: t('admin.addMember') }}
        grantable={grantable}
        busy={add.isPending}
        action={t('admin.add')}
        onStart={() => {
          setError(null);
          setNotice(null);
          setIssued(null);
        }}
        onInvalid={setError}
        onGrant={(v) => add.mutateAsync(v)}
      />
      <QueryStatus query={members} />
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
      <ActionDialog open={!!removing} onClose={() => setRemoving(null)} title={t('admin.removeTitle')} action={t('common.remove')} danger busy={remove.isPending} onAction={() => removing && remove.mutate(removing)}>
        <p>{removing ? t('admin.removeConfirm', { email: removing.email }) : null}</p>
      </ActionDialog>
    </section>
  );
}

