// Shared dashboards: GET/POST /v1/orgs/{org}/dashboards, GET/PATCH/DELETE
// /v1/orgs/{org}/dashboards/{id} (ETag/If-Match like views), and what a view's
// deletion would take with it (DELETE /views/{id} answers 409 with used_by).
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, apiAll, apiData, ApiError, apiTagged, orgPath } from './client';
import { useInvalidate } from './hooks';
import type { Filter, Visibility } from './types';

export interface DashboardPanel {
  view_id: string;
  /** Column (0..11) and row on a grid of 12 columns. */
  x: number;
  y: number;
  /** Width in columns (1..12) and height in rows (1..12). */
  w: number;
  h: number;
  title?: string;
}

export interface DashboardDoc {
  id: string;
  owner_id: string;
  name: string;
  description?: string;
  visibility: Visibility;
  panels: DashboardPanel[];
  filters: Filter[];
  time?: { from?: string; to?: string } | null;
  version: number;
  created_at: string;
  updated_at: string;
  owner?: { id: string; email: string } | null;
}

export type DashboardInput = Pick<DashboardDoc, 'name' | 'visibility' | 'panels' | 'filters'> & { description?: string; time?: { from?: string; to?: string } | null };

export interface DashboardListFilter {
  mine?: boolean;
  visibility?: Visibility;
}

const key = {
  list: (org: string, f: DashboardListFilter = {}) => ['dashboards', org, f.mine ? 'mine' : 'all', f.visibility ?? 'any'] as const,
  one: (org: string, id: string) => ['dashboard', org, id] as const,
};

export function useDashboards(org: string, f: DashboardListFilter = {}) {
  return useQuery({
    queryKey: key.list(org, f),
    queryFn: () => apiAll<DashboardDoc>(orgPath(org, '/dashboards'), { include: 'owner', mine: f.mine ? 'true' : undefined, visibility: f.visibility, limit: 200 }, 1000),
    enabled: !!org,
  });
}

export async function getDashboard(org: string, id: string): Promise<{ dashboard: DashboardDoc; etag: string }> {
  const { data, etag } = await apiTagged<DashboardDoc>(orgPath(org, `/dashboards/${encodeURIComponent(id)}`));
  return { dashboard: data, etag };
}

export function useDashboard(org: string, id: string | undefined) {
  return useQuery({ queryKey: key.one(org, id ?? ''), queryFn: () => getDashboard(org, id!), enabled: !!org && !!id, retry: false });
}

function useInvalidateDashboards(org: string) {
  return useInvalidate(org, 'dashboards', 'dashboard');
}

export function createDashboard(org: string, body: DashboardInput) {
  return apiData<DashboardDoc>(orgPath(org, '/dashboards'), { method: 'POST', body });
}

export function useCreateDashboard(org: string) {
  const invalidate = useInvalidateDashboards(org);
  return useMutation({ mutationFn: (body: DashboardInput) => createDashboard(org, body), onSuccess: invalidate });
}

/** Changes a dashboard with If-Match from the copy the user edited: a change by someone else since is refused (412), not overwritten. */
export function useUpdateDashboard(org: string) {
  const invalidate = useInvalidateDashboards(org);
  return useMutation({
    mutationFn: ({ id, patch, etag }: { id: string; patch: Partial<DashboardInput>; etag: string }) => apiData<DashboardDoc>(orgPath(org, `/dashboards/${encodeURIComponent(id)}`), { method: 'PATCH', body: patch, headers: { 'If-Match': etag } }),
    onSuccess: invalidate,
  });
}

export function useDeleteDashboard(org: string) {
  const invalidate = useInvalidateDashboards(org);
  return useMutation({
    mutationFn: async ({ id, etag }: { id: string; etag: string }) => {
      await api(orgPath(org, `/dashboards/${encodeURIComponent(id)}`), { method: 'DELETE', headers: { 'If-Match': etag } });
    },
    onSuccess: invalidate,
  });
}

export const isConflict = (e: unknown) => e instanceof ApiError && e.status === 412;

/** One thing that uses a view: a dashboard (loses its panel) or a schedule (is deleted with it). */
export interface ViewUse {
  kind: 'dashboard' | 'schedule';
  id: string;
  name: string;
}

/** The used_by of a view-in-use 409 problem, else null. */
export function usedByOf(e: unknown): { uses: ViewUse[]; privateDashboards: number } | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  const ext = e.body;
  if (!Array.isArray(ext.used_by)) return null;
  const uses = (ext.used_by as ViewUse[]).filter((u) => u && (u.kind === 'dashboard' || u.kind === 'schedule'));
  return { uses, privateDashboards: typeof ext.private_dashboards === 'number' ? ext.private_dashboards : 0 };
}

