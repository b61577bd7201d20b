// API problems (RFC 9457) as sentences for people: one summary translated by
// the problem's type, and one message per offending field (errors[].field),
// each shown once — beside the control that caused it when the screen has
// one, in the summary otherwise. problem-types.json is the list of types the
// API writes; a Go test (shared/httpapi/problemtypes_test.go) keeps it current.
import { ApiError } from '../api/client';
import type { Locale } from '../api/types';
import { formatTime } from './format';
import list from './problem-types.json';

type T = (k: string, o?: Record<string, unknown>) => string;

export const PROBLEM_PREFIX: string = list.prefix;
/** Every problem code the API writes, as in its type URI ("rate-limited"). */
export const PROBLEM_CODES: readonly string[] = list.codes;

const BY_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  410: 'gone',
  412: 'precondition-failed',
  413: 'too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'unavailable',
};

/** The code of an error: from its problem type when it is one of ours, else from its status. */
export function problemCode(e: ApiError): string {
  if (e.type.startsWith(PROBLEM_PREFIX)) {
    const c = e.type.slice(PROBLEM_PREFIX.length);
    if (PROBLEM_CODES.includes(c)) return c;
  }
  return BY_STATUS[e.status] ?? (e.status >= 500 ? 'internal' : 'invalid');
}

/** When a spent daily byte budget is whole again (the resets_at extension), or null. */
export function budgetResetsAt(e: unknown): Date | null {
  if (!(e instanceof ApiError) || e.status !== 429) return null;
  const v = e.body.resets_at;
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The field names the SPA has a label for. A problem's field is reduced to its
 * key by dropping indexes ("filters[0].op" → "filters.op"), then to its first
 * segment if the whole path has no label ("filters").
 */
export const FIELD_KEYS = [
  'body', 'config', 'cursor', 'dataset', 'datasets', 'dimensions', 'email', 'fields', 'file', 'filters', 'filters.field', 'filters.op', 'filters.values',
  'format', 'header', 'Idempotency-Key', 'include', 'limit', 'measures', 'metric', 'name', 'order', 'owner', 'page_size', 'params', 'password', 'per_capita',
  'q', 'query', 'real', 'recipients', 'role', 'source', 'status', 'template', 'time', 'time.from', 'time.to', 'time.grain', 'token', 'view_id', 'visibility',
] as const;

const fieldKeySet = new Set<string>(FIELD_KEYS);

/** The key of a problem's field in errors.fields, or null when the SPA has no label for it. */
export function fieldKey(field: string): string | null {
  const k = field.replace(/\[\d+\]/g, '');
  if (fieldKeySet.has(k)) return k;
  const head = k.split('.')[0];
  return fieldKeySet.has(head) ? head : null;
}

/** A field's name for people, in the summary (where no control is beside it). */
export function fieldLabel(t: T, field: string): string {
  const k = fieldKey(field);
  return k ? t(`errors.fields.${k}`) : field;
}

export interface FieldMessage {
  /** The field as the API named it (e.g. "filters[0].op"). */
  field: string;
  /** What is wrong, to show beside the control. */
  message: string;
  /** The API's reason alone, for the summary, where the field's label precedes it. */
  reason: string;
}

export interface ProblemMessages {
  /** One sentence for the whole problem, translated by its type. */
  summary: string;
  fields: FieldMessage[];
}

function summaryOf(t: T, e: ApiError, code: string, locale: Locale | string): string {
  switch (code) {
    case 'rate-limited': {
      const reset = budgetResetsAt(e);
      if (reset) return t('errors.budget', { time: formatTime(reset, locale) });
      return t('errors.types.rate-limited', { seconds: e.retryAfter ?? 1 });
    }
    case 'unavailable':
      return t('errors.types.unavailable', { seconds: e.retryAfter ?? 5 });
    case 'internal':
      return t('errors.types.internal', { trace: e.traceId ?? '—' });
    case 'invalid':
      return e.errors.length ? t('errors.types.invalid') : t('errors.invalid', { detail: e.detail ?? e.title });
    default:
      return t(`errors.types.${code}`);
  }
}

/** The problem of e as sentences; network failures and other errors get a summary only. */
export function problemMessages(t: T, e: unknown, locale: Locale | string): ProblemMessages {
  if (e instanceof ApiError) {
    const code = problemCode(e);
    const nonAdditive = typeof e.body.non_additive === 'string' ? e.body.non_additive : null;
    const fields = e.errors.map((f) => {
      // A sum the catalog forbids (flows, accounts, metrics) is explained in the UI's language.
      const reason = nonAdditive && /(^|\.)dimensions$/.test(f.field) ? t('errors.nonAdditive', { dimension: nonAdditive }) : f.reason;
      return { field: f.field, message: t('errors.fieldReason', { reason }), reason };
    });
    return { summary: summaryOf(t, e, code, locale), fields };
  }
  if (e instanceof TypeError) return { summary: t('errors.network'), fields: [] };
  return { summary: t('errors.generic'), fields: [] };
}

/** Whether a control named name is where the API's field belongs: the same path, or a parent of it. */
export function fieldMatches(name: string, field: string): boolean {
  return field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`);
}

export interface BoundProblem {
  summary: string;
  /** The message for the control named name (the first of its fields), if any. */
  byControl: Record<string, string>;
  /** Field messages no control of the screen took, each with its field's label. */
  rest: string[];
}

/**
 * Places each field message beside the control that caused it: the control
 * whose name is the longest match of the field; the others stay in rest, for
 * the summary. Each message lands in exactly one place.
 */
export function bindProblem(t: T, m: ProblemMessages | null, controls: readonly string[]): BoundProblem | null {
  if (!m) return null;
  const byControl: Record<string, string> = {};
  const rest: string[] = [];
  for (const f of m.fields) {
    const name = controls.filter((c) => fieldMatches(c, f.field)).sort((a, b) => b.length - a.length)[0];
    if (name === undefined) rest.push(`${fieldLabel(t, f.field)}: ${f.reason}`);
    else if (byControl[name] === undefined) byControl[name] = f.message;
    else byControl[name] = `${byControl[name]} ${f.message}`;
  }
  return { summary: m.summary, byControl, rest };
}

/** One line for screens that show a problem in a single alert: the summary, then unplaced field messages. */
export function problemText(t: T, e: unknown, locale: Locale | string): string {
  const b = bindProblem(t, problemMessages(t, e, locale), [])!;
  return b.rest.length ? `${b.summary} (${b.rest.join('; ')})` : b.summary;
}

/** A lazily loaded module that could not be fetched (wording differs by browser and bundler). */
export function isChunkLoadError(e: unknown): boolean {
  const m = e instanceof Error ? `${e.name} ${e.message}` : String(e ?? '');
  return /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|ChunkLoadError|Loading (CSS )?chunk [\w-]+ failed|Unable to preload CSS/i.test(m);
}
