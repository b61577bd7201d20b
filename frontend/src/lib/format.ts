// Numbers, currency, periods and dates by locale, with Intl only.
import type { Locale } from '../api/types';

const intlLocale = (l: Locale | string) => (l === 'en' ? 'en-US' : 'pt-BR');

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

export function formatNumber(v: number, locale: Locale | string, maxFractionDigits = 2): string {
  return nf(intlLocale(locale), { maximumFractionDigits: maxFractionDigits }).format(v);
}

export function formatInteger(v: number, locale: Locale | string): string {
  return nf(intlLocale(locale), { maximumFractionDigits: 0 }).format(v);
}

/** BRL as R$ 1.234,56 (pt-BR) or R$1,234.56 (en); USD as US$ / $. */
export function formatCurrency(v: number, locale: Locale | string, currency = 'BRL'): string {
  return nf(intlLocale(locale), { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
}

/** A value already in percent (4.5 means 4.5 %). */
export function formatPercent(v: number, locale: Locale | string, digits = 2): string {
  return nf(intlLocale(locale), { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(v / 100);
}

/** A share, a ratio in [0,1]. */
export function formatShare(v: number, locale: Locale | string): string {
  return nf(intlLocale(locale), { style: 'percent', maximumFractionDigits: 1 }).format(v);
}

/** Compact numbers for chart axes: 1,2 mi / 1.2M. */
export function formatCompact(v: number, locale: Locale | string): string {
  return nf(intlLocale(locale), { notation: 'compact', maximumFractionDigits: 1 }).format(v);
}

/** A result value by its column's unit (from the query's columns). */
export function formatValue(v: unknown, unit: string | undefined, locale: Locale | string): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return String(v);
  const u = unit ?? '';
  if (u === 'BRL' || u === 'USD') return formatCurrency(n, locale, u);
  if (u === 'BRL/person' || u === 'USD/person') return formatCurrency(n, locale, u.slice(0, 3));
  if (u === '%') return formatPercent(n, locale);
  if (u === 'ratio') return formatShare(n, locale);
  if (u === 'jobs' || u === 'count' || u === 'people') return formatInteger(n, locale);
  return formatNumber(n, locale);
}

const MONTH_RE = /^(\d{4})-(\d{2})$/;
const QUARTER_RE = /^(\d{4})-Q([1-4])$/;

/** A period key (YYYY-MM, YYYY-Qn, YYYY) for people: "jan. de 2023" / "Jan 2023". */
export function formatPeriod(v: string, locale: Locale | string): string {
  const m = MONTH_RE.exec(v);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    return new Intl.DateTimeFormat(intlLocale(locale), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
  }
  const q = QUARTER_RE.exec(v);
  if (q) return locale === 'en' ? `Q${q[2]} ${q[1]}` : `${q[2]}º tri. ${q[1]}`;
  return v;
}

/** A date (28/11/2026 in pt-BR, 11/28/2026 in en). Date-only strings are calendar dates, not instants. */
export function formatDate(v: string | Date, locale: Locale | string): string {
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(v);
  const utc = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
  return new Intl.DateTimeFormat(intlLocale(locale), { day: '2-digit', month: '2-digit', year: 'numeric', ...(utc ? { timeZone: 'UTC' } : {}) }).format(d);
}

export function formatDateTime(v: string | Date, locale: Locale | string, timeZone?: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(v));
}

/** A time of day, HH:MM on a 24-hour clock, in the browser's time zone (or timeZone). */
export function formatTime(v: string | Date, locale: Locale | string, timeZone?: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) }).format(new Date(v));
}

/** Interpolated values named count, n or of are row and item counts: grouped the reader's way ("10.000 linhas"). */
export const COUNT_VARIABLES: ReadonlySet<string> = new Set(['count', 'n', 'of']);

/** i18next's interpolation format: counts grouped by locale, everything else as given. */
export function formatInterpolated(value: unknown, _format?: string, lng?: string, options?: Record<string, unknown>): string {
  const key = typeof options?.interpolationkey === 'string' ? options.interpolationkey : '';
  if (typeof value === 'number' && Number.isInteger(value) && COUNT_VARIABLES.has(key)) return formatInteger(value, lng ?? 'pt-BR');
  // Anything else goes back to i18next as it came.
  return value as string;
}

export function formatBytes(n: number, locale: Locale | string): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${formatNumber(v, locale, 1)} ${units[i]}`;
}

/** A title in the user's language, with the other as fallback. */
export function pickText(t: Record<string, string | undefined> | undefined, locale: Locale | string, fallback = ''): string {
  if (!t) return fallback;
  return t[locale] ?? t['pt-BR'] ?? t.en ?? fallback;
}

/** Days in a PostgreSQL interval's text ("45 days", "1 day"); null for any other shape. */
export function slaDays(sla: string): number | null {
  const m = /^\s*(\d+)\s+days?\s*$/.exec(sla);
  return m ? Number(m[1]) : null;
}
