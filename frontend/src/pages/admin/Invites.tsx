// Invites: the pending ones first with their expiry, create one (its link is
// shown once), revoke, or send a new link.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiData, orgPath } from '../../api/client';
import { keys, useInvites } from '../../api/hooks';
import type { Invite, IssuedInvite, Role } from '../../api/types';
import { inviteURL } from '../../lib/invite';
import { Alert, Badge, Button, CheckboxField, SelectField, Table, TextField } from '../../ui';
import { errorText, useOrgContext } from '../../layout/Shell';
import { useLocale } from '../../layout/nav';
import { formatDateTime } from '../../lib/format';
import { QueryStatus } from '../../layout/QueryStatus';

const ROLES: Role[] = ['viewer', 'analyst', 'admin', 'owner'];

/** The roles a member of this role may grant: owner only by owners. */
export function grantableRoles(role: Role): Role[] {
  return ROLES.filter((r) => r !== 'owner' || role === 'owner');
}

/** "in 6 days" / "em 6 dias", or "expired" wording for a past time. */
export function expiresIn(at: string, now: number, locale: string): string {
  const ms = new Date(at).getTime() - now;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const hours = ms / 3_600_000;
  if (Math.abs(hours) < 24) return rtf.format(Math.round(hours), 'hour');
  return rtf.format(Math.round(hours / 24), 'day');
}

export default function Invites() {
  const { t } = useTranslation();
  const { org } = useOrgContext();
  const [issued, setIssued] = useState<IssuedInvite | null>(null);
  return (
    <section aria-labelledby="invites-title">
      <h2 id="invites-title">{t('admin.invites')}</h2>
      {issued ? <IssuedLink invite={issued} instead={false} onClose={() => setIssued(null)} /> : null}
      <Invitations grantable={grantableRoles(org.role)} onIssued={setIssued} />
    </section>
  );
}

/** A new invite's link, shown once: the token is not stored and cannot be read again. */
export function IssuedLink({ invite, instead, onClose }: { invite: IssuedInvite; instead: boolean; onClose: () => void }) {
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

/**
 * An address and the role to grant it, as adding a member and inviting ask.
 * onStart runs on every submit; an empty address goes to onInvalid, any
 * other to onGrant, and the address is cleared once onGrant resolves.
 */
export function GrantForm({ label, heading, grantable, busy, action, onStart, onInvalid, onGrant }: {
  /** The form's accessible name, when it has no heading. */
  label?: string;
  /** A heading that names the form. */
  heading?: { id: string; text: string };
  grantable: Role[];
  busy: boolean;
  action: string;
  onStart: () => void;
  onInvalid: (message: string) => void;
  onGrant: (v: { email: string; role: Role }) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  return (
    <form
      className="card form-row"
      aria-label={label}
      aria-labelledby={heading?.id}
      onSubmit={(e) => {
        e.preventDefault();
        onStart();
        if (!email.trim()) {
          onInvalid(t('admin.emailRequired'));
          return;
        }
        // A refusal is shown by the caller's mutation; the address stays to be corrected.
        onGrant({ email: email.trim(), role }).then(
          () => setEmail(''),
          () => undefined,
        );
      }}
    >
      {heading ? <h3 id={heading.id}>{heading.text}</h3> : null}
      <div className="grid-3">
        <TextField label={t('signin.email')} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        <SelectField label={t('admin.role')} value={role} options={grantable.map((r) => ({ value: r, label: t(`roles.${r}`) }))} onChange={(e) => setRole(e.target.value as Role)} />
        <div className="field field-submit">
          <Button type="submit" variant="primary" busy={busy}>
            {action}
          </Button>
        </div>
      </div>
    </form>
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
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: keys.invites(org.slug) });
  const create = useMutation({
    mutationFn: (v: { email: string; role: Role }) => apiData<IssuedInvite>(orgPath(org.slug, '/invites'), { method: 'POST', body: v }),
    onSuccess: (inv) => {
      onIssued(inv);
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
  const [pendingOnly, setPendingOnly] = useState(true);
  const [now] = useState(() => Date.now());
  const shown = (invites.data ?? []).filter((i) => !pendingOnly || i.status === 'pending');
  return (
    <>
      <p className="muted">{t('admin.invitesHelp')}</p>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      <GrantForm
        label={t('admin.inviteTitle')}
        grantable={grantable}
        busy={create.isPending}
        action={t('admin.invite')}
        onStart={() => {
          setError(null);
          setNotice(null);
        }}
        onInvalid={setError}
        onGrant={(v) => create.mutateAsync(v)}
      />
      <QueryStatus query={invites} />
      <CheckboxField label={t('admin.pendingOnly')} checked={pendingOnly} onChange={(e) => setPendingOnly(e.target.checked)} />
      {invites.data ? (
        <Table
          caption={pendingOnly ? t('admin.pendingCaption', { count: shown.length }) : t('admin.invitesCaption', { count: shown.length })}
          rows={shown}
          rowKey={(i) => i.id}
          empty={pendingOnly ? t('admin.pendingEmpty') : t('admin.invitesEmpty')}
          columns={[
            { key: 'email', header: t('signin.email'), rowHeader: true, cell: (i) => i.email },
            { key: 'role', header: t('admin.role'), cell: (i) => t(`roles.${i.role}`) },
            { key: 'status', header: t('admin.status'), cell: (i) => <Badge tone={INVITE_TONES[i.status]}>{t(`admin.inviteStatuses.${i.status}`)}</Badge> },
            { key: 'expires', header: t('admin.inviteExpires'), cell: (i) => (
                <>
                  {formatDateTime(i.expires_at, locale)}
                  {i.status === 'pending' ? <div className="small muted">{expiresIn(i.expires_at, now, locale)}</div> : null}
                </>
              ),
            },
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
    </>
  );
}

