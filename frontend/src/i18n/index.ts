import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ptBR } from './pt-BR';
import { en } from './en';
import type { Locale } from '../api/types';
import { formatInterpolated } from '../lib/format';

export const LOCALES: Locale[] = ['pt-BR', 'en'];
export const DEFAULT_LOCALE: Locale = 'pt-BR';
const STORAGE_KEY = 'mirante.lang';

export const isLocale = (v: unknown): v is Locale => v === 'pt-BR' || v === 'en';

function initialLocale(): Locale {
  if (typeof window === 'undefined') return DEFAULT_LOCALE;
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (isLocale(fromUrl)) return fromUrl;
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    /* storage may be blocked */
  }
  return DEFAULT_LOCALE;
}

void i18n.use(initReactI18next).init({
  resources: { 'pt-BR': { translation: ptBR }, en: { translation: en } },
  lng: initialLocale(),
  fallbackLng: false,
  supportedLngs: LOCALES,
  // Counts ({{count}}, {{n}}, {{of}}) are grouped by locale: 10.000 linhas, 10,000 rows.
  interpolation: { escapeValue: false, alwaysFormat: true, format: formatInterpolated },
  returnNull: false,
  showSupportNotice: false,
});

function syncDocument(l: string) {
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}
syncDocument(i18n.language);
i18n.on('languageChanged', (l) => {
  syncDocument(l);
  try {
    window.localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* ignore */
  }
});

export default i18n;
