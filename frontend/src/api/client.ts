// The REST client: every /v1 call carries the Firebase ID token (refreshed
// silently by the SDK), problems (RFC 9457) become ApiError. A 429 that names
// a short Retry-After is retried by itself, at most MAX_429_RETRIES times, and
// only for requests that are safe to repeat (see retriable).

import type { Page } from './types';

export interface FieldError {
  field: string;
  reason: string;
}

type ProblemBody = Partial<{ type: string; title: string; detail: string; errors: FieldError[]; trace_id: string; reason: string }> & Record<string, unknown>;

export class ApiError extends Error {
  status: number;
  /** The problem's type URI (urn:mirante:problem:<code>); '' when the answer was not a problem. */
  type: string;
  title: string;
  detail?: string;
  errors: FieldError[];
  traceId?: string;
  retryAfter?: number;
  /** The problem's `reason` extension, where a route names why it refused (e.g. accepting an invite). */
  reason?: string;
  /** Every member of the problem document, extensions included (e.g. resets_at of a budget). */
  body: Record<string, unknown>;
  constructor(status: number, body: ProblemBody, traceId?: string, retryAfter?: number) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.type = typeof body.type === 'string' ? body.type : '';
    this.body = body;
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
  /** Safe to send again although the method is not (e.g. POST /query, which only reads). */
  idempotent?: boolean;
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
  if (opts.body instanceof FormData) {
    body = opts.body; // the browser sets the multipart boundary
  } else if (opts.body !== undefined) {
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
    const raw = res.headers.get('Retry-After');
    const ra = raw === null || raw.trim() === '' ? NaN : Number(raw);
    const body = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as ProblemBody) : { title: res.statusText };
    throw new ApiError(res.status, body, res.headers.get('X-Trace-Id') ?? undefined, Number.isFinite(ra) && ra >= 0 ? ra : undefined);
  }
  return { data: json as T, headers: res.headers, status: res.status };
}

/** Automatic retries of one request answered 429. */
export const MAX_429_RETRIES = 2;
/** A Retry-After longer than this is the user's to wait for, not the client's. */
export const MAX_AUTO_WAIT_S = 30;

/** Requests that may be sent again: idempotent methods, or a request that says so. */
export function retriable(opts: RequestOptions): boolean {
  const m = (opts.method ?? 'GET').toUpperCase();
  if (['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'].includes(m)) return true;
  return !!opts.idempotent || Object.keys(opts.headers ?? {}).some((h) => h.toLowerCase() === 'idempotency-key');
}

/** The seconds to wait before retrying e by itself, or null when it is not to be retried. */
export function autoRetryDelay(e: unknown, opts: RequestOptions, attempt: number): number | null {
  if (!(e instanceof ApiError) || e.status !== 429 || attempt >= MAX_429_RETRIES || !retriable(opts)) return null;
  // A spent daily budget (resets_at) is not a burst: waiting hours is not a retry.
  if (e.body.resets_at !== undefined) return null;
  const s = e.retryAfter ?? 1;
  return s <= MAX_AUTO_WAIT_S ? Math.max(0, Math.ceil(s)) : null;
}

/** A request waiting to be retried: the wall-clock time it will be sent again. */
export interface PendingRetry {
  id: number;
  until: number;
}

let pending: PendingRetry[] = [];
const listeners = new Set<() => void>();
let nextId = 1;

function setPending(next: PendingRetry[]) {
  pending = next;
  listeners.forEach((l) => l());
}

/** The requests now waiting out a Retry-After (for useSyncExternalStore). */
export const retryStore = {
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  snapshot(): PendingRetry[] {
    return pending;
  },
};

function wait(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = { id: nextId++, until: Date.now() + seconds * 1000 };
    setPending([...pending, entry]);
    const done = () => setPending(pending.filter((p) => p !== entry));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      done();
      resolve();
    }, seconds * 1000);
    const abort = () => {
      clearTimeout(timer);
      done();
      reject(signal?.reason ?? new DOMException('Aborted', 'AbortError'));
    };
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
}

/** Calls the API; a short 429 on a request safe to repeat is retried after Retry-After (see autoRetryDelay). */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await authorised<T>(path, opts);
    } catch (e) {
      const delay = autoRetryDelay(e, opts, attempt);
      if (delay === null) throw e;
      await wait(delay, opts.signal);
    }
  }
}

/** Calls the API; on 401 refreshes the token once and retries, then signs out. */
async function authorised<T>(path: string, opts: RequestOptions): Promise<ApiResponse<T>> {
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

/** A cursor-paged list (GET path?query&cursor=), page after page until the last or until at least max items came. */
export async function apiAll<T>(path: string, query: NonNullable<RequestOptions['query']>, max: number): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await apiData<Page<T>>(path, { query: { ...query, cursor } });
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return out;
}

/** A resource with the ETag to change it by (If-Match); without the header, the tag is made from its version. */
export async function apiTagged<T extends { version: number }>(path: string): Promise<{ data: T; etag: string }> {
  const r = await api<T>(path);
  return { data: r.data, etag: r.headers.get('ETag') ?? `"${r.data.version}"` };
}

export const orgPath = (org: string, rest = '') => `/v1/orgs/${encodeURIComponent(org)}${rest}`;
