// The REST client: every /v1 call carries the Firebase ID token (refreshed
// silently by the SDK), problems (RFC 9457) become ApiError.

export interface FieldError {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  status: number;
  title: string;
  detail?: string;
  errors: FieldError[];
  traceId?: string;
  retryAfter?: number;
  /** The problem's `reason` extension, where a route names why it refused (e.g. accepting an invite). */
  reason?: string;
  constructor(status: number, body: Partial<{ title: string; detail: string; errors: FieldError[]; trace_id: string; reason: string }>, traceId?: string, retryAfter?: number) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.title = body.title ?? '';
    this.detail = body.detail;
    this.reason = typeof body.reason === 'string' ? body.reason : undefined;
    this.errors = body.errors ?? [];
    this.traceId = body.trace_id ?? traceId;
    this.retryAfter = retryAfter;
  }
}

export const isNotFound = (e: unknown) => e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501);

type TokenSource = (forceRefresh?: boolean) => Promise<string | null>;
let tokenSource: TokenSource = async () => null;
let onUnauthorized: () => void = () => {};

export function setTokenSource(fn: TokenSource, unauthorized: () => void) {
  tokenSource = fn;
  onUnauthorized = unauthorized;
}

const base = (import.meta.env?.VITE_API_BASE as string | undefined) ?? '';

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
  status: number;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  query?: Record<string, string | number | undefined | null>;
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function once<T>(path: string, opts: RequestOptions, force: boolean): Promise<ApiResponse<T>> {
  const token = await tokenSource(force);
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...opts.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(base + withQuery(path, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  if (res.status === 204) return { data: undefined as T, headers: res.headers, status: 204 };
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const ra = Number(res.headers.get('Retry-After'));
    throw new ApiError(res.status, (json as object) ?? { title: res.statusText }, res.headers.get('X-Trace-Id') ?? undefined, Number.isFinite(ra) ? ra : undefined);
  }
  return { data: json as T, headers: res.headers, status: res.status };
}

/** Calls the API; on 401 refreshes the token once and retries, then signs out. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  try {
    return await once<T>(path, opts, false);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      try {
        return await once<T>(path, opts, true);
      } catch (e2) {
        if (e2 instanceof ApiError && e2.status === 401) onUnauthorized();
        throw e2;
      }
    }
    throw e;
  }
}

export async function apiData<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  return (await api<T>(path, opts)).data;
}

export const orgPath = (org: string, rest = '') => `/v1/orgs/${encodeURIComponent(org)}${rest}`;
