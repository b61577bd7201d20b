// Links keep the locale: every URL of the app carries ?lang= once a language
// was chosen, so a copied link opens in the same language.
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useParams } from 'react-router';
import type { Locale, OrgRef } from '../api/types';

export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return (i18n.language === 'en' ? 'en' : 'pt-BR') as Locale;
}

/** Builds in-app hrefs with the current locale. */
export function useHref() {
  const locale = useLocale();
  return useCallback(
    (path: string, params?: URLSearchParams | Record<string, string>) => {
      const p = params instanceof URLSearchParams ? new URLSearchParams(params) : new URLSearchParams(params ?? {});
      p.set('lang', locale);
      return `${path}?${p.toString()}`;
    },
    [locale],
  );
}

export function useOrgSlug(): string {
  return useParams().org ?? '';
}

export function useGo() {
  const navigate = useNavigate();
  const href = useHref();
  return useCallback((path: string, params?: URLSearchParams | Record<string, string>, replace = false) => navigate(href(path, params), { replace }), [navigate, href]);
}

export function useCurrentPath() {
  const l = useLocation();
  return l.pathname + l.search;
}

export const isAdmin = (org?: OrgRef) => org?.role === 'admin' || org?.role === 'owner';
export const canWrite = (org?: OrgRef) => !!org && org.role !== 'viewer';
