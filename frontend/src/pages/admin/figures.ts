// Pure helpers of the admin screens: usage as human figures, audit entries as
// sentences, an upload's contract errors by line and column.
import type { AuditEntry, Locale } from '../../api/types';
import type { FieldError } from '../../api/client';
import { formatBytes } from '../../lib/format';

type T = (k: string, o?: Record<string, unknown>) => string;

/** "1,2 GB de 10 GB": bytes used against the plan's limit (no limit: the bytes alone). */
export function bytesOfPlan(t: T, used: number, limit: number | undefined, locale: Locale | string): string {
  const u = formatBytes(used, locale);
  return limit ? t('admin.bytesOf', { used: u, limit: formatBytes(limit, locale) }) : u;
}

/** The share of a limit used, 0..1 (0 without a limit). */
export function shareOf(used: number, limit: number | undefined): number {
  return limit ? Math.min(1, Math.max(0, used / limit)) : 0;
}

/** Action families the audit filter offers, as prefixes the API takes ("views."). */
export const ACTION_TYPES = ['views', 'query', 'reports', 'uploads', 'members', 'invites', 'entitlements', 'schedules', 'datasets', 'audit', 'usage', 'org'] as const;

/** Actions with a sentence of their own (admin.activity.<action>); the rest read as admin.activity.other. */
export const SENTENCE_ACTIONS = [
  'org.read',
  'members.list', 'members.add', 'members.read', 'members.update', 'members.remove',
  'invites.list', 'invites.create', 'invites.revoke', 'invites.accept',
  'entitlements.read', 'entitlements.update',
  'views.list', 'views.create', 'views.read', 'views.update', 'views.delete',
  'audit.list', 'usage.read',
  'datasets.list', 'datasets.values', 'query.run', 'query.page',
  'reports.order', 'reports.list', 'reports.read', 'reports.verify',
  'uploads.create', 'uploads.list', 'uploads.read',
  'schedules.list', 'schedules.create', 'schedules.read', 'schedules.update', 'schedules.delete',
] as const;

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** The names an audit summary holds that a sentence may quote. */
function summaryFacts(summary: unknown): Record<string, string | undefined> {
  const s = summary && typeof summary === 'object' ? (summary as Record<string, unknown>) : {};
  const datasets = Array.isArray(s.datasets) ? s.datasets.filter((d): d is string => typeof d === 'string') : undefined;
  const config = s.config && typeof s.config === 'object' ? (s.config as Record<string, unknown>) : {};
  return {
    name: str(s.name),
    email: str(s.email),
    role: str(s.role),
    file: str(s.file_name),
    dataset: str(s.dataset) ?? str(config.dataset),
    format: str(s.format),
    datasets: datasets ? datasets.join(', ') : undefined,
  };
}

/**
 * An audit entry as a sentence: "Ana salvou a visão “Exportações”". who is the
 * person's name (the e-mail's local part, capitalised) or, when unknown, a
 * short id; a refused request says so.
 */
export function activitySentence(t: T, e: Pick<AuditEntry, 'action' | 'summary' | 'status'>, email: string | undefined): string {
  const who = personName(email) ?? t('admin.someone');
  const facts = summaryFacts(e.summary);
  const known = (SENTENCE_ACTIONS as readonly string[]).includes(e.action);
  const vars: Record<string, unknown> = { who, action: e.action };
  for (const [k, v] of Object.entries(facts)) if (v) vars[k] = v;
  if (facts.role) vars.role = t(`roles.${facts.role}`, { defaultValue: facts.role });
  let key = known ? `admin.activity.${e.action}` : 'admin.activity.other';
  // A sentence that quotes a name has a variant for entries that hold none.
  const needs = NEEDS[e.action];
  if (known && needs && !vars[needs]) key = `admin.activity.${e.action}_bare`;
  const sentence = t(key, vars);
  return e.status >= 400 ? t('admin.refused', { sentence, status: e.status }) : sentence;
}

/** The fact a sentence quotes, by action; without it the action's _bare sentence is used. */
const NEEDS: Record<string, string> = {
  'views.create': 'name',
  'views.update': 'name',
  'members.add': 'email',
  'members.update': 'role',
  'invites.create': 'email',
  'invites.accept': 'role',
  'entitlements.update': 'datasets',
  'query.run': 'dataset',
  'reports.order': 'format',
  'uploads.create': 'file',
};

/** "ana.souza@x" → "Ana Souza"; undefined when there is no e-mail. */
export function personName(email: string | undefined): string | undefined {
  const local = email?.split('@')[0]?.trim();
  if (!local) return undefined;
  return local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join(' ');
}

/** One refused line of an upload: the API names it "line 3: value". */
export interface RowProblem {
  line: number | null;
  column: string;
  reason: string;
}

/** The problem's errors[] as line, column and reason; errors that name no line keep their field as the column. */
export function rowProblems(errors: FieldError[]): RowProblem[] {
  return errors.map((e) => {
    const m = /^line (\d+): (.+)$/.exec(e.field);
    return m ? { line: Number(m[1]), column: m[2], reason: e.reason } : { line: null, column: e.field, reason: e.reason };
  });
}

/** The UTC day n days before day (YYYY-MM-DD). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
