import { createContext, useContext, useEffect, useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { useMe } from '../api/hooks';
import type { Me, OrgRef } from '../api/types';
import { Alert, Button, FieldLabel, Spinner } from '../ui';
import { isAdmin, useHref, useLocale, useOrgSlug } from './nav';
import { LOCALES } from '../i18n';
import { problemText } from '../lib/problems';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import i18n from '../i18n';

interface OrgContext {
  me: Me;
  org: OrgRef;
}

const Ctx = createContext<OrgContext | null>(null);

/** The screens of an org, in the main navigation's order; admin is for admins only. */
const SECTIONS = ['explore', 'views', 'dashboards', 'reports', 'admin'] as const;

export function useOrgContext(): OrgContext {
  const v = useContext(Ctx);
  if (!v) throw new Error('useOrgContext outside the shell');
  return v;
}

/** A select of the top bar, its label there for assistive technology only. */
function CompactSelect({ className, label, value, onChange, children }: { className: string; label: string; value: string; onChange: (value: string) => void; children: ReactNode }) {
  const id = useId();
  return (
    <div className={className}>
      <FieldLabel fid={id} hidden>
        {label}
      </FieldLabel>
      <select id={id} className="input select input-compact" value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </div>
  );
}

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const choose = (lang: string) => {
    void i18n.changeLanguage(lang);
    const p = new URLSearchParams(params);
    p.set('lang', lang);
    setParams(p, { replace: true });
  };
  return (
    <CompactSelect className="lang-switch" label={t('header.language')} value={i18n.language} onChange={choose}>
      {LOCALES.map((l) => (
        <option key={l} value={l} lang={l}>
          {t(`lang.${l}`)}
        </option>
      ))}
    </CompactSelect>
  );
}

export function SkipLink() {
  const { t } = useTranslation();
  return (
    <a className="skip-link" href="#main">
      {t('app.skip')}
    </a>
  );
}

function OrgSwitcher({ me, current }: { me: Me; current: OrgRef }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const href = useHref();
  const location = useLocation();
  if (me.orgs.length < 2) {
    return (
      <span className="org-name">
        <span className="visually-hidden">{t('header.org')}: </span>
        {current.name}
      </span>
    );
  }
  // Same screen in the other org; the builder starts over since datasets differ.
  const choose = (slug: string) => {
    const section = location.pathname.split('/')[3] ?? 'explore';
    const keep = (SECTIONS as readonly string[]).includes(section) ? section : 'explore';
    navigate(href(`/o/${slug}/${keep}`));
  };
  return (
    <CompactSelect className="org-switch" label={t('header.org')} value={current.slug} onChange={choose}>
      {me.orgs.map((o) => (
        <option key={o.id} value={o.slug}>
          {o.name} ({t(`roles.${o.role}`)})
        </option>
      ))}
    </CompactSelect>
  );
}

/** Moves focus to the page's heading after navigation, and names the document. */
function useRouteFocus() {
  const location = useLocation();
  const { i18n } = useTranslation();
  useEffect(() => {
    // On a full page load (React Router's "default" location) the browser
    // starts at the top, skip link first; after an in-app navigation, focus
    // goes to the new page's heading.
    const initial = location.key === 'default';
    const h = setTimeout(() => {
      const el = document.getElementById('page-title');
      if (!initial && el && (document.activeElement === document.body || document.activeElement?.closest('nav'))) el.focus({ preventScroll: false });
      if (el?.textContent) document.title = `${el.textContent} · Mirante`;
    }, 80);
    return () => clearTimeout(h);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [location.pathname, i18n.language]);
}

export function Shell() {
  const { t } = useTranslation();
  const { user, signOut } = useAuth();
  const slug = useOrgSlug();
  const me = useMe(!!user);
  const href = useHref();
  const locale = useLocale();
  const location = useLocation();
  useRouteFocus();

  let body: ReactNode;
  let org: OrgRef | undefined;
  if (me.isPending) body = <Spinner label={t('common.loading')} />;
  else if (me.isError)
    body = (
      <Alert tone="error" title={t('errors.generic')} action={<Button onClick={() => me.refetch()}>{t('common.retry')}</Button>}>
        {errorText(t, me.error)}
      </Alert>
    );
  else {
    org = me.data.orgs.find((o) => o.slug === slug || o.id === slug);
    body = org ? (
      <Ctx.Provider value={{ me: me.data, org }}>
        <ErrorBoundary resetKey={location.pathname}>
          <Outlet />
        </ErrorBoundary>
      </Ctx.Provider>
    ) : (
      <Alert tone="error" title={t('errors.orgNotFound')}>
        <ul>
          {me.data.orgs.map((o) => (
            <li key={o.id}>
              <a href={href(`/o/${o.slug}/explore`)}>{o.name}</a>
            </li>
          ))}
        </ul>
      </Alert>
    );
  }

  const nav = org ? (
    <nav aria-label={t('nav.main')} className="main-nav">
      <ul>
        {SECTIONS.filter((section) => section !== 'admin' || isAdmin(org)).map((section) => (
          <li key={section}>
            <NavLink to={href(`/o/${org.slug}/${section}`)}>{t(`nav.${section}`)}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  ) : null;

  return (
    <div className="app" lang={locale}>
      <SkipLink />
      <header className="topbar">
        <div className="topbar-row">
          <a className="brand" href={org ? href(`/o/${org.slug}/explore`) : href('/')}>
            <img src="/favicon.svg" alt="" width={24} height={24} />
            <span>Mirante</span>
          </a>
          {me.data && org ? <OrgSwitcher me={me.data} current={org} /> : null}
          <div className="topbar-spacer" />
          <LanguageSwitch />
          {user ? (
            <span className="user-email" title={user.email ?? ''}>
              <span className="visually-hidden">{t('header.signedInAs')} </span>
              {user.email}
            </span>
          ) : null}
          <Button variant="ghost" size="sm" onClick={() => void signOut()}>
            {t('header.signOut')}
          </Button>
        </div>
        {nav}
      </header>
      <main id="main" tabIndex={-1} className="main">
        {body}
      </main>
    </div>
  );
}

type T = (k: string, o?: Record<string, unknown>) => string;

/** A user-facing sentence for an API or network error, translated by its problem type (lib/problems.ts). */
export function errorText(t: T, e: unknown): string {
  return problemText(t, e, i18n.language);
}
