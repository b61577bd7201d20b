// The frame of the pages a signed-out person sees (sign-in, invite), and
// their e-mail and password fields.
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../ui';
import { LanguageSwitch, SkipLink } from '../layout/Shell';

/** One card headed by title, under the brand and the language switch; the document is named after title. */
export function AuthPage({ title, stage, children }: { title: string; stage?: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Mirante`;
  }, [title]);
  return (
    <div className="signin-page">
      <SkipLink />
      <header className="signin-top">
        <span className="brand">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>Mirante</span>
        </span>
        <LanguageSwitch />
      </header>
      <main id="main" tabIndex={-1} className="signin-main">
        <div className="card signin-card" data-stage={stage}>
          <h1 id="page-title" tabIndex={-1}>
            {title}
          </h1>
          {children}
        </div>
      </main>
    </div>
  );
}

interface CredentialProps {
  /** The form's name: the field's id is `${form}-${name}`, which a failed check focuses. */
  form: string;
  value: string;
  onValue: (value: string) => void;
  error?: string;
}

/** A credentials form's e-mail field. */
export function EmailField(p: CredentialProps) {
  const { t } = useTranslation();
  return <CredentialField {...p} name="email" type="email" label={t('signin.email')} autoComplete="username" />;
}

/** A credentials form's password field, the password itself unless named otherwise. */
export function PasswordField({ name = 'password', label, ...p }: CredentialProps & { name?: string; label?: string; autoComplete: string; hint?: string }) {
  const { t } = useTranslation();
  return <CredentialField {...p} name={name} type="password" label={label ?? t('signin.password')} />;
}

function CredentialField({ form, name, label, type, autoComplete, value, onValue, hint, error }: CredentialProps & { name: string; label: string; type: 'email' | 'password'; autoComplete: string; hint?: string }) {
  return <TextField id={`${form}-${name}`} label={label} type={type} name={name} autoComplete={autoComplete} required hint={hint} value={value} onChange={(e) => onValue(e.target.value)} error={error} />;
}
