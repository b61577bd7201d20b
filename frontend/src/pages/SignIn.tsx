import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { Button } from '../ui';
import { ProblemAlert } from '../ui/FieldError';
import { bindProblem, type ProblemMessages } from '../lib/problems';
import { AuthPage, EmailField, PasswordField } from '../auth/AuthPage';
import { authErrorCode, signInMessageKey } from '../auth/messages';
import { useHref } from '../layout/nav';

/** The form's controls, named as the problem fields they show. */
const CONTROLS = ['email', 'password'] as const;

/** Only in-app paths are followed after sign-in. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

export default function SignIn() {
  const { t } = useTranslation();
  const { user, signIn } = useAuth();
  const [params] = useSearchParams();
  const href = useHref();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // What went wrong, as a problem: one summary, and messages per field placed beside their controls.
  const [problem, setProblem] = useState<ProblemMessages | null>(null);
  const bound = useMemo(() => bindProblem(t, problem, CONTROLS), [t, problem]);
  const [busy, setBusy] = useState(false);
  const alertRef = useRef<HTMLDivElement>(null);

  if (user) return <Navigate to={safeNext(params.get('next')) ?? href('/')} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fields = [];
    if (!email.trim()) fields.push({ field: 'email', message: t('signin.errors.emailRequired'), reason: '' });
    if (!password) fields.push({ field: 'password', message: t('signin.errors.passwordRequired'), reason: '' });
    if (fields.length) {
      setProblem({ summary: '', fields });
      document.getElementById(`signin-${fields[0].field}`)?.focus();
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      const code = authErrorCode(err);
      if (code === 'auth/invalid-email') {
        setProblem({ summary: '', fields: [{ field: 'email', message: t('signin.errors.emailInvalid'), reason: '' }] });
        setTimeout(() => document.getElementById('signin-email')?.focus(), 0);
      } else {
        setProblem({ summary: t(signInMessageKey(code)), fields: [] });
        setTimeout(() => alertRef.current?.focus(), 0);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthPage title={t('signin.title')}>
      <p className="muted">{t('signin.intro')}</p>
      <form onSubmit={submit} noValidate aria-describedby={bound?.summary ? 'signin-error' : undefined}>
        {bound?.summary || bound?.rest.length ? (
          <div ref={alertRef} tabIndex={-1} id="signin-error">
            <ProblemAlert problem={bound} />
          </div>
        ) : null}
        <EmailField form="signin" value={email} onValue={setEmail} error={bound?.byControl.email} />
        <PasswordField form="signin" autoComplete="current-password" value={password} onValue={setPassword} error={bound?.byControl.password} />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          {busy ? t('signin.submitting') : t('signin.submit')}
        </Button>
      </form>
      {import.meta.env.DEV ? <p className="field-hint signin-demo">{t('signin.demoHint')}</p> : null}
    </AuthPage>
  );
}
