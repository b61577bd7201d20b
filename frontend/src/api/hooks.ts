// Server state with TanStack Query.
import { keepPreviousData, useQuery, useQueryClient, useMutation } from '@tanstack/react-query';
import { api, apiAll, apiData, apiTagged, orgPath } from './client';
import type { AuditEntry, DatasetInfo, Invite, Me, Member, Org, Page, QueryAnswer, QuerySpec, Report, Schedule, SourceInfo, ValueList, View, Visibility } from './types';
import type { Entitlements, Upload, Usage } from './types';
import { normaliseSpec, specKey } from '../lib/spec';

export const keys = {
  me: ['me'] as const,
  org: (org: string) => ['org', org] as const,
  datasets: (org: string) => ['datasets', org] as const,
  views: (org: string, visibility?: string) => ['views', org, visibility ?? 'all'] as const,
  view: (org: string, id: string) => ['view', org, id] as const,
  members: (org: string) => ['members', org] as const,
  invites: (org: string) => ['invites', org] as const,
};

export function useMe(enabled = true) {
  return useQuery({ queryKey: keys.me, queryFn: () => apiData<Me>('/v1/me'), enabled, staleTime: 60_000 });
}

export function useOrg(org: string) {
  return useQuery({ queryKey: keys.org(org), queryFn: () => apiData<Org>(orgPath(org)), enabled: !!org, staleTime: 60_000 });
}

export function useDatasets(org: string) {
  return useQuery({
    queryKey: keys.datasets(org),
    queryFn: () => apiData<Page<DatasetInfo>>(orgPath(org, '/datasets')).then((p) => p.data),
    enabled: !!org,
    staleTime: 5 * 60_000,
  });
}

export function useValues(org: string, dataset: string, field: string, q: string, enabled = true) {
  return useQuery<ValueList['data']>({
    queryKey: ['values', org, dataset, field, q],
    queryFn: ({ signal }) => apiData<ValueList>(orgPath(org, `/datasets/${encodeURIComponent(dataset)}/values`), { query: { field, q, limit: 50 }, signal }).then((r) => r.data),
    enabled: enabled && !!org && !!dataset && !!field,
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
}

/** The most rows the client gathers for one answer (the datasets cap at 10 000). */
export const MAX_ROWS = 10_000;

/** Runs a query and follows next_cursor until the whole answer is in. */
export async function runQuery(org: string, spec: QuerySpec, signal?: AbortSignal): Promise<QueryAnswer & { watermarkHeader?: string }> {
  const first = await api<QueryAnswer>(orgPath(org, '/query'), { method: 'POST', body: normaliseSpec(spec), query: { page_size: 5000 }, signal, idempotent: true });
  const answer = { ...first.data, data: [...first.data.data] };
  let cursor = answer.next_cursor;
  while (cursor && answer.data.length < MAX_ROWS) {
    const page = await apiData<QueryAnswer>(orgPath(org, '/query'), { query: { cursor }, signal });
    answer.data.push(...page.data);
    cursor = page.next_cursor;
  }
  answer.next_cursor = cursor;
  return { ...answer, watermarkHeader: first.headers.get('X-Data-Watermark') ?? undefined };
}

/** GET /query?cursor=: the next page of an answer. */
export function fetchQueryPage(org: string, cursor: string, signal?: AbortSignal) {
  return apiData<QueryAnswer>(orgPath(org, '/query'), { query: { cursor }, signal });
}

export function useQueryAnswer(org: string, spec: QuerySpec | null) {
  return useQuery({
    queryKey: ['query', org, spec ? specKey(spec) : ''],
    queryFn: ({ signal }) => runQuery(org, spec!, signal),
    enabled: !!org && !!spec,
    staleTime: 5 * 60_000,
    retry: (n, e) => n < 1 && !(e instanceof Error && 'status' in e && (e as { status: number }).status < 500),
  });
}

export function useViews(org: string, visibility?: Visibility) {
  return useQuery({
    queryKey: keys.views(org, visibility),
    queryFn: () => apiAll<View>(orgPath(org, '/views'), { include: 'owner', visibility, limit: 200 }, 1000),
    enabled: !!org,
  });
}

export async function getView(org: string, id: string): Promise<{ view: View; etag: string }> {
  const { data, etag } = await apiTagged<View>(orgPath(org, `/views/${encodeURIComponent(id)}`));
  return { view: data, etag };
}

export function useView(org: string, id: string | undefined) {
  return useQuery({ queryKey: keys.view(org, id ?? ''), queryFn: () => getView(org, id!), enabled: !!org && !!id, retry: false });
}

/** Marks stale every query of org under each of the key prefixes. */
export function useInvalidate(org: string, ...prefixes: string[]) {
  const qc = useQueryClient();
  return () => {
    for (const p of prefixes) qc.invalidateQueries({ queryKey: [p, org] });
  };
}

export function useInvalidateViews(org: string) {
  return useInvalidate(org, 'views', 'view');
}

export function useCreateView(org: string) {
  const invalidate = useInvalidateViews(org);
  return useMutation({
    mutationFn: (body: { name: string; visibility: Visibility; config: QuerySpec }) => apiData<View>(orgPath(org, '/views'), { method: 'POST', body: { ...body, config: normaliseSpec(body.config) } }),
    onSuccess: invalidate,
  });
}

/** Changes a view with If-Match from a fresh GET, so a concurrent change is refused (412) rather than overwritten. */
export function useUpdateView(org: string) {
  const invalidate = useInvalidateViews(org);
  return useMutation({
    mutationFn: async ({ id, patch, etag }: { id: string; patch: Partial<Pick<View, 'name' | 'visibility' | 'config'>>; etag?: string }) => {
      const tag = etag ?? (await getView(org, id)).etag;
      return apiData<View>(orgPath(org, `/views/${encodeURIComponent(id)}`), { method: 'PATCH', body: patch, headers: { 'If-Match': tag } });
    },
    onSuccess: invalidate,
  });
}

export function useDeleteView(org: string) {
  const invalidate = useInvalidateViews(org);
  return useMutation({
    mutationFn: async ({ id, etag, cascade }: { id: string; etag?: string; cascade?: boolean }) => {
      const tag = etag ?? (await getView(org, id)).etag;
      await api(orgPath(org, `/views/${encodeURIComponent(id)}`), { method: 'DELETE', headers: { 'If-Match': tag }, query: cascade ? { cascade: 'true' } : undefined });
    },
    onSuccess: invalidate,
  });
}

export function useMembers(org: string, enabled = true) {
  return useQuery({
    queryKey: keys.members(org),
    queryFn: () => apiAll<Member>(orgPath(org, '/members'), { limit: 500 }, 5000),
    enabled: enabled && !!org,
  });
}

/** The org's invites, newest first (admins). */
export function useInvites(org: string, enabled = true) {
  return useQuery({
    queryKey: keys.invites(org),
    queryFn: () => apiAll<Invite>(orgPath(org, '/invites'), { limit: 500 }, 2000),
    enabled: enabled && !!org,
  });
}

export interface AuditFilter {
  user?: string;
  action?: string;
  from?: string;
  to?: string;
}

export function fetchAudit(org: string, f: AuditFilter, cursor?: string | null) {
  return apiData<Page<AuditEntry>>(orgPath(org, '/audit'), { query: { ...f, limit: 50, cursor } });
}

/** GET /v1/orgs/{org}/usage: the org's consumption against its plan, per day and per member over from..to (UTC dates). Any error, 404 included, is an error. */
export function fetchUsage(org: string, period: { from?: string; to?: string } = {}) {
  return apiData<Usage>(orgPath(org, '/usage'), { query: period });
}

export function useUsage(org: string, period: { from?: string; to?: string } = {}) {
  return useQuery({ queryKey: ['usage', org, period.from ?? '', period.to ?? ''], queryFn: () => fetchUsage(org, period), enabled: !!org, retry: false });
}

/** GET /v1/orgs/{org}/entitlements: the public datasets the org may read. */
export function useEntitlements(org: string) {
  return useQuery({ queryKey: ['entitlements', org], queryFn: () => apiData<Entitlements>(orgPath(org, '/entitlements')), enabled: !!org, retry: false });
}

/** GET /v1/orgs/{org}/uploads: the org's uploads, newest first (first page). */
export function useUploads(org: string) {
  return useQuery({ queryKey: ['uploads', org], queryFn: () => apiData<Page<Upload>>(orgPath(org, '/uploads'), { query: { limit: 50 } }), enabled: !!org, retry: false });
}

/** The catalog's entries, whatever list envelope the server uses ({data}, {items} or a bare array). */
export function sourceList(r: Page<SourceInfo> | { items: SourceInfo[] } | SourceInfo[]): SourceInfo[] {
  if (Array.isArray(r)) return r;
  if ('data' in r && Array.isArray(r.data)) return r.data;
  if ('items' in r && Array.isArray(r.items)) return r.items;
  return [];
}

/** GET /v1/sources: the source catalog. Any error (404, 403 no_membership, …) is an error. */
export function fetchSources() {
  return apiData<Page<SourceInfo> | { items: SourceInfo[] } | SourceInfo[]>('/v1/sources').then(sourceList);
}

export function useSources() {
  return useQuery({ queryKey: ['sources'], queryFn: fetchSources, retry: false });
}

/** GET /v1/orgs/{org}/schedules: the org's report schedules. Any error, 404 included, is an error. */
export function fetchSchedules(org: string) {
  return apiData<Page<Schedule>>(orgPath(org, '/schedules')).then((r) => r.data);
}

export function useSchedules(org: string) {
  return useQuery({ queryKey: ['schedules', org], queryFn: () => fetchSchedules(org), enabled: !!org, retry: false });
}

export function fetchReport(org: string, id: string) {
  return apiData<Report>(orgPath(org, `/reports/${encodeURIComponent(id)}`));
}

/** GET /v1/orgs/{org}/reports: the org's reports. Any error, 404 included, is an error. */
export function fetchReports(org: string, filter: ReportFilter = {}) {
  const query: Record<string, string> = {};
  if (filter.mine) query.mine = 'true';
  if (filter.schedule_id) query.schedule_id = filter.schedule_id;
  return apiData<Page<Report>>(orgPath(org, '/reports'), Object.keys(query).length ? { query } : undefined).then((r) => r.data);
}

/** Which reports: the caller's own (mine) and/or one schedule's runs. */
export interface ReportFilter {
  mine?: boolean;
  schedule_id?: string;
}

/** The reports list, polled every few seconds while one of them is queued or running. */
export function useReportsList(org: string, filter: ReportFilter = {}) {
  return useQuery({
    queryKey: ['reports', org, filter.mine ? 'mine' : 'all', filter.schedule_id ?? ''],
    queryFn: () => fetchReports(org, filter),
    enabled: !!org,
    retry: false,
    refetchInterval: (q: { state: { data?: Report[] } }) => (q.state.data?.some((r) => r.status === 'queued' || r.status === 'running') ? 2000 : false),
  });
}

export type { AuditEntry };
