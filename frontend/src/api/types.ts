// Types of the REST API (../../shared/API.md, shared/httpapi/openapi.yaml).

export type Role = 'owner' | 'admin' | 'analyst' | 'viewer';
export type Locale = 'pt-BR' | 'en';
export type Text = Partial<Record<Locale, string>> & Record<string, string | undefined>;

export interface OrgRef {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

export interface Me {
  user: { id: string; email: string; locale: Locale };
  orgs: OrgRef[];
}

export interface Org extends OrgRef {
  plan: string;
  isolation: 'row' | 'dataset';
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export type Op = 'eq' | 'neq' | 'in' | 'not_in' | 'gte' | 'lte' | 'between' | 'prefix';
export type Grain = 'month' | 'quarter' | 'year';
export type Transform = 'share' | 'yoy_pct' | 'yoy_diff' | 'rolling_12m';

export interface DimensionInfo {
  id: string;
  type: string;
  title: Text;
  operators: Op[];
  values?: string[];
  label?: string;
  rollup?: string;
  /** false: the values must never be summed; a query groups by it or filters it to one value. */
  additive?: false;
}

export interface MeasureInfo {
  id: string;
  title: Text;
  unit: string;
  format: string;
  transforms: Transform[];
  real: boolean;
}

export interface DatasetInfo {
  id: string;
  title: Text;
  description?: Text;
  scope: 'public' | 'tenant';
  source?: string;
  grain: string;
  time: string;
  indicator_version: string;
  watermark: string;
  per_capita?: boolean;
  limits: { max_dimensions: number; max_span_months: number; max_rows: number };
  dimensions: DimensionInfo[];
  measures: MeasureInfo[];
}

export interface Filter {
  field: string;
  op: Op;
  value: string | string[];
}

export interface OrderKey {
  field: string;
  dir?: 'asc' | 'desc';
}

/** A query spec, exactly as POST /query and saved views take it. */
export interface QuerySpec {
  dataset: string;
  measures: string[];
  dimensions?: string[];
  filters?: Filter[];
  time?: { from?: string; to?: string; grain?: Grain };
  order?: OrderKey[];
  limit?: number;
  real?: { base: string };
  per_capita?: boolean;
  /** Keep the n values of field with the largest first measure within each combination of the other dimensions. */
  top?: { field: string; n: number };
}

export interface Column {
  name: string;
  kind: 'dimension' | 'label' | 'measure';
  type: string;
  unit?: string;
}

export interface QueryMeta {
  dataset: string;
  watermark: string;
  cache: string;
  bytes_processed: number;
  query_hash: string;
  engine: string;
  indicator_version: string;
  rows: number;
  from?: string;
  to?: string;
  /** The row limit cut the answer. */
  truncated?: boolean;
  /** The numbers are synthetic demo data. */
  synthetic?: boolean;
  /** A public source's last load (absent for the org's own data). */
  source_status?: LoadStatus;
}

export interface LoadStatus {
  last_load_failed: boolean;
  last_error_code?: string;
  failed_at?: string;
}

export type Row = Record<string, string | number | null>;

export interface QueryAnswer {
  data: Row[];
  columns: Column[];
  next_cursor: string | null;
  meta: QueryMeta;
}

export interface ValueList {
  data: { value: string | number | null; label: string | null }[];
}

export type Visibility = 'private' | 'org';

export interface View {
  id: string;
  owner_id: string;
  name: string;
  config: QuerySpec;
  visibility: Visibility;
  version: number;
  created_at: string;
  updated_at: string;
  owner?: { id: string; email: string } | null;
}

export interface Member {
  user_id: string;
  email: string;
  role: Role;
  created_at: string;
}

export type InviteStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface Invite {
  id: string;
  email: string;
  role: Role;
  status: InviteStatus;
  /** The inviting member's user id; empty when an operator invited. */
  created_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  accepted_by: string;
  revoked_at: string | null;
}

/** A new invite, with the token that accepts it: shown once, never stored. */
export interface IssuedInvite extends Invite {
  token: string;
}

export interface AuditEntry {
  id: number;
  user_id: string;
  action: string;
  resource: string;
  summary: unknown;
  status: number;
  trace_id: string;
  at: string;
}

export type ReportStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type ReportFormat = 'pdf' | 'docx' | 'html';

export interface Report {
  id: string;
  status: ReportStatus;
  template?: string;
  format?: ReportFormat;
  view_id?: string;
  view_name?: string;
  schedule_id?: string;
  requested_by?: string;
  requested_by_email?: string;
  size_bytes?: number;
  download_url?: string | null;
  error?: string;
  /** Stable code of a failure: not_queued, timeout, render_failed, budget, query. */
  error_code?: string;
  created_at?: string;
  finished_at?: string;
  manifest?: unknown;
}

export interface Schedule {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  template: string;
  format: ReportFormat;
  view_id: string;
  params?: unknown;
  recipients: string[];
  enabled: boolean;
  last_run_at?: string | null;
  next_run_at?: string | null;
  created_at?: string;
}

export type SourceStatus = 'ok' | 'stale' | 'failed' | 'empty';

/** One entry of GET /v1/sources: a public source and how fresh our copy is. */
export interface SourceInfo {
  id: string;
  title?: string;
  owner?: string;
  /** daily, weekly, monthly, quarterly, annual or irregular. */
  frequency?: string;
  /** PostgreSQL interval text, e.g. "45 days". */
  sla?: string;
  url?: string;
  last_updated_at?: string | null;
  checksum?: string;
  watermark?: string;
  schema_version?: number;
  status?: SourceStatus;
  synthetic?: boolean;
  /** Rows the current load published to the marts. */
  rows_loaded?: number | null;
  /** Rows the current load landed in the warehouse. */
  rows_landed?: number | null;
  /** Records the source's own contract leaves unpublished (UF totals, percentage rows, unidentified municipalities). */
  rows_skipped?: number | null;
  /** Reference data this source's files depend on. */
  requires?: SourceRequirement[];
  last_error?: string;
  past_sla?: boolean;
}

/** Reference data a source depends on: another source (or some of its layouts) to load first. */
export interface SourceRequirement {
  source: string;
  /** The required source's layouts that provide it; none means any. */
  layouts?: string[];
  /** The dependent source's layouts that need it; none means all. */
  for?: string[];
  /** Only names are taken from it: a load without it publishes rows without their names. */
  names_only?: boolean;
  /** The command that loads it. */
  load: string;
}

/** One counted resource of today against the plan's limit (absent: none). */
export interface UsageMeter {
  used: number;
  limit?: number;
}

/** What the org consumed on one UTC day. */
export interface UsageDay {
  day: string;
  queries: number;
  bytes_processed: number;
  reports: number;
  uploads: number;
}

/** What one member did over the period (successful requests in the audit log). */
export interface MemberUsage {
  user_id: string;
  email?: string;
  queries: number;
  reports: number;
  uploads: number;
  actions: number;
}

/** GET /v1/orgs/{org}/usage: today against the plan, and the period's history. */
export interface Usage {
  day: string;
  plan: string;
  queries: UsageMeter;
  bytes_processed: UsageMeter;
  reports: UsageMeter;
  uploads: UsageMeter;
  resets_at: string;
  rate_limits?: Record<string, Record<string, number>>;
  history?: { from: string; to: string; days: UsageDay[]; users: MemberUsage[] };
}

export type UploadStatus = 'received' | 'loaded' | 'failed';

/** A tenant CSV upload (GET /v1/orgs/{org}/uploads). */
export interface Upload {
  id: string;
  file_name: string;
  sha256: string;
  bytes: number;
  rows: number;
  metrics: string[] | null;
  period_from: string;
  period_to: string;
  status: UploadStatus;
  error?: string;
  uploaded_by?: string;
  created_at: string;
  loaded_at?: string;
}

/** GET/PUT /v1/orgs/{org}/entitlements: the public datasets the org may read. */
export interface Entitlements {
  datasets: string[];
  /** Every public dataset of the catalog, entitled or not (GET only). */
  available?: { id: string; title: Text }[];
}
