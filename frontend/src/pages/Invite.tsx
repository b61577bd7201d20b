// /invite/:token — where an invite link lands. The invited person signs in,
// or creates the account, with the invited address, verifies that address
// (the API accepts only a verified e-mail equal to the invited one), and
// accepts; the org's home follows.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { createUserWithEmailAndPassword, sendEmailVerification, sendPasswordResetEmail, type User } from 'firebase/auth';
import { useAuth } from '../auth/AuthProvider';
import { getAppAuth } from '../auth/firebase';
import { apiData } from '../api/client';
import { keys } from '../api/hooks';
import type { OrgRef } from '../api/types';
import { inviteStage, isInviteToken, otherAccountHelps, refusalOf, type InviteStage, type Refusal } from '../lib/invite';
import { Alert, Button, Spinner } from '../ui';
import { AuthPage, EmailField, PasswordField } from '../auth/AuthPage';
import { authErrorCode, signInMessageKey } from '../auth/messages';
import { useHref } from '../layout/nav';

export type InviteMode = 'signin' | 'signup';

export interface InviteForm {
  email: string;
  password: string;
  confirm: string;
}

type FieldErrors = Partial<Record<keyof InviteForm, string>>;

export interface InviteViewProps {
  stage: InviteStage;
  refusal: Refusal | null;
  /** The signed-in account's address. */
  email?: string;
  mode: InviteMode;
  onMode: (m: InviteMode) => void;
  form: InviteForm;
  onForm: (patch: Partial<InviteForm>) => void;
  fieldErrors: FieldErrors;
  onSubmit: (e: FormEvent) => void;
  onReset: () => void;
  /** A message about the last action (sent, failed, …) and its tone. */
  notice: { tone: 'info' | 'success' | 'error'; text: string } | null;
  busy: boolean;
  onSendVerification: () => void;
  onCheckVerified: () => void;
  onAccept: () => void;
  onSignOut: () => void;
  homeHref: string;
}

/** The page's content for one state; no Firebase or API calls of its own. */
export function InviteView(p: InviteViewProps) {
  const { t } = useTranslation();
  const notice = p.notice ? (
    <div id="invite-notice" tabIndex={-1}>
      <Alert tone={p.notice.tone}>{p.notice.text}</Alert>
    </div>
  ) : null;
  const otherAccount = (
    <Button variant="ghost" onClick={p.onSignOut} disabled={p.busy}>
      {t('invite.otherAccount')}
    </Button>
  );
  let body;
  switch (p.stage) {
    case 'loading':
      body = <Spinner label={t('common.loading')} />;
      break;
    case 'signedOut': {
      const signup = p.mode === 'signup';
      body = (
        <>
          <p>{t('invite.intro')}</p>
          <div className="invite-modes" role="group" aria-label={t('invite.modes')}>
            <Button variant={signup ? 'ghost' : 'secondary'} aria-pressed={!signup} onClick={() => p.onMode('signin')}>
              {t('invite.haveAccount')}
            </Button>
            <Button variant={signup ? 'secondary' : 'ghost'} aria-pressed={signup} onClick={() => p.onMode('signup')}>
              {t('invite.newAccount')}
            </Button>
          </div>
          <form onSubmit={p.onSubmit} noValidate>
            {notice}
            <EmailField form="invite" value={p.form.email} onValue={(email) => p.onForm({ email })} error={p.fieldErrors.email} />
            <PasswordField
              form="invite"
              autoComplete={signup ? 'new-password' : 'current-password'}
              hint={signup ? t('invite.passwordHint') : undefined}
              value={p.form.password}
              onValue={(password) => p.onForm({ password })}
              error={p.fieldErrors.password}
            />
            {signup ? <PasswordField form="invite" name="confirm" label={t('invite.confirm')} autoComplete="new-password" value={p.form.confirm} onValue={(confirm) => p.onForm({ confirm })} error={p.fieldErrors.confirm} /> : null}
            <Button type="submit" variant="primary" busy={p.busy} className="btn-block">
              {signup ? t('invite.createAccount') : t('signin.submit')}
            </Button>
          </form>
          {signup ? null : (
            <p className="field-hint invite-reset">
              {t('invite.forgot')}{' '}
              <Button variant="ghost" size="sm" onClick={p.onReset} disabled={p.busy}>
                {t('invite.sendReset')}
              </Button>
            </p>
          )}
        </>
      );
      break;
    }
    case 'unverified':
      body = (
        <>
          <h2>{t('invite.verifyTitle')}</h2>
          <p>{t('invite.verifyBody', { email: p.email ?? '' })}</p>
          {notice}
          <div className="invite-actions">
            <Button variant="primary" busy={p.busy} onClick={p.onCheckVerified}>
              {t('invite.verified')}
            </Button>
            <Button onClick={p.onSendVerification} disabled={p.busy}>
              {t('invite.sendVerification')}
            </Button>
            {otherAccount}
          </div>
        </>
      );
      break;
    case 'ready':
      body = (
        <>
          <p>{t('invite.signedInAs', { email: p.email ?? '' })}</p>
          {notice}
          <div className="invite-actions">
            <Button variant="primary" busy={p.busy} onClick={p.onAccept}>
              {p.busy ? t('invite.accepting') : t('invite.accept')}
            </Button>
            {otherAccount}
          </div>
        </>
      );
      break;
    case 'refused': {
      const r = p.refusal ?? 'invalid';
      body = (
        <>
          <Alert tone="error">{t(`invite.refusals.${r}`, { email: p.email ?? '' })}</Alert>
          <div className="invite-actions">
            {otherAccountHelps(r) && p.email ? (
              <Button onClick={p.onSignOut}>{t('invite.otherAccount')}</Button>
            ) : null}
            <a className="btn btn-ghost btn-md" href={p.homeHref}>
              {t('common.home')}
            </a>
          </div>
        </>
      );
      break;
    }
  }
  return (
    <AuthPage title={t('invite.title')} stage={p.stage}>
      {body}
    </AuthPage>
  );
}

/** The sign-in page's words for a failed Firebase Auth call, and the account creation's own. */
function authMessageKey(code: string, signup: boolean): string {
  switch (code) {
    case 'auth/email-already-in-use':
      return 'invite.errors.emailInUse';
    case 'auth/weak-password':
      return 'invite.errors.passwordShort';
    case 'auth/invalid-email':
      return signup ? 'invite.errors.emailInvalid' : 'signin.errors.invalid';
    default:
      return signInMessageKey(code);
  }
}

/** Sends the verification mail, coming back to this page when the continue URL is allowed. */
async function sendVerification(u: User) {
  try {
    await sendEmailVerification(u, { url: window.location.href });
  } catch (e) {
    const code = authErrorCode(e);
    if (code !== 'auth/unauthorized-continue-uri' && code !== 'auth/invalid-continue-uri') throw e;
    await sendEmailVerification(u);
  }
}

export default function Invite() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const { user, signIn, signOut } = useAuth();
  const navigate = useNavigate();
  const href = useHref();
  const qc = useQueryClient();
  const [mode, setMode] = useState<InviteMode>('signup');
  const [form, setForm] = useState<InviteForm>({ email: '', password: '', confirm: '' });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<InviteViewProps['notice']>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  // user.emailVerified changes in place on reload(), which re-renders nothing.
  const [verified, setVerified] = useState(false);
  const checked = useRef<string | null>(null);

  // A session restored after following the verification link elsewhere
  // holds a stale claim: read the account once.
  useEffect(() => {
    if (!user || user.emailVerified || checked.current === user.uid) return;
    checked.current = user.uid;
    user
      .reload()
      .then(() => setVerified(user.emailVerified))
      .catch(() => undefined);
  }, [user]);

  const say = useCallback((tone: 'info' | 'success' | 'error', text: string) => {
    setNotice({ tone, text });
    setTimeout(() => document.getElementById('invite-notice')?.focus(), 0);
  }, []);

  const stage = inviteStage({ user: user ? { emailVerified: user.emailVerified || verified } : user, token, refusal });

  // firebaseStep runs one Firebase Auth call with the form busy, and says
  // what went wrong in the sign-in page's words.
  const firebaseStep = async (action: () => Promise<void>, signup = false) => {
    setBusy(true);
    try {
      await action();
    } catch (err) {
      say('error', t(authMessageKey(authErrorCode(err), signup)));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const signup = mode === 'signup';
    const fe: FieldErrors = {};
    if (!form.email.trim()) fe.email = t('signin.errors.emailRequired');
    if (!form.password) fe.password = t('signin.errors.passwordRequired');
    else if (signup && form.password.length < 8) fe.password = t('invite.errors.passwordShort');
    if (signup && !fe.password && form.confirm !== form.password) fe.confirm = t('invite.errors.passwordMismatch');
    setFieldErrors(fe);
    setNotice(null);
    const first = (['email', 'password', 'confirm'] as const).find((k) => fe[k]);
    if (first) {
      document.getElementById(`invite-${first}`)?.focus();
      return;
    }
    await firebaseStep(async () => {
      if (signup) {
        qc.clear();
        const cred = await createUserWithEmailAndPassword(getAppAuth(), form.email.trim(), form.password);
        await sendVerification(cred.user);
        say('success', t('invite.verificationSent', { email: cred.user.email ?? form.email.trim() }));
      } else {
        await signIn(form.email.trim(), form.password);
      }
    }, signup);
  };

  const reset = async () => {
    if (!form.email.trim()) {
      setFieldErrors({ email: t('signin.errors.emailRequired') });
      document.getElementById('invite-email')?.focus();
      return;
    }
    await firebaseStep(async () => {
      await sendPasswordResetEmail(getAppAuth(), form.email.trim());
      say('success', t('invite.resetSent', { email: form.email.trim() }));
    });
  };

  const resend = async () => {
    if (!user) return;
    await firebaseStep(async () => {
      await sendVerification(user);
      say('success', t('invite.verificationSent', { email: user.email ?? '' }));
    });
  };

  const checkVerified = async () => {
    if (!user) return;
    await firebaseStep(async () => {
      await user.reload();
      if (user.emailVerified) {
        await user.getIdToken(true); // the API reads the claim from the token
        setVerified(true);
        setRefusal(null);
        setNotice(null);
      } else {
        say('info', t('invite.stillUnverified'));
      }
    });
  };

  const accept = async () => {
    if (!user) return;
    setBusy(true);
    setNotice(null);
    try {
      await user.getIdToken(true);
      const org = await apiData<OrgRef>('/v1/invites/accept', { method: 'POST', body: { token } });
      await qc.invalidateQueries({ queryKey: keys.me });
      navigate(href(`/o/${encodeURIComponent(org.slug)}/explore`), { replace: true });
    } catch (err) {
      const r = refusalOf(err);
      if (r) setRefusal(r);
      else say('error', t('invite.errors.retry'));
    } finally {
      setBusy(false);
    }
  };

  const leave = async () => {
    setBusy(true);
    try {
      await signOut();
      setRefusal(null);
      setVerified(false);
      setNotice(null);
      setMode('signin');
    } finally {
      setBusy(false);
    }
  };

  return (
    <InviteView
      stage={stage}
      refusal={isInviteToken(token) ? refusal : 'invalid'}
      email={user?.email ?? undefined}
      mode={mode}
      onMode={(m) => {
        setMode(m);
        setFieldErrors({});
        setNotice(null);
      }}
      form={form}
      onForm={(patch) => setForm((f) => ({ ...f, ...patch }))}
      fieldErrors={fieldErrors}
      onSubmit={(e) => void submit(e)}
      onReset={() => void reset()}
      notice={notice}
      busy={busy}
      onSendVerification={() => void resend()}
      onCheckVerified={() => void checkVerified()}
      onAccept={() => void accept()}
      onSignOut={() => void leave()}
      homeHref={href('/')}
    />
  );
}
