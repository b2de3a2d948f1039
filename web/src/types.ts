/** The API's shapes, as the console uses them (see /docs for the full reference). */

export type Role = 'admin' | 'editor' | 'viewer';
export interface Session {
  user: { id: string; email: string; name: string | null; role: Role } | null;
  workspace: { id: string; name: string; timezone: string };
  csrf_token: string | null;
  expires_at: string | null;
}

export type AttributeType = 'string' | 'number' | 'boolean' | 'date' | 'datetime';
export interface Attribute {
  name: string;
  type: AttributeType;
  label: string;
  standard: boolean;
  derived: boolean;
}

export interface Identifier {
  kind: 'external_id' | 'email' | 'phone' | 'anonymous_id';
  value: string;
}
export interface Profile {
  id: string;
  external_id: string | null;
  identifiers: Identifier[];
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}
export interface TrackedEvent {
  message_id: string;
  name: string;
  ts: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown> | null;
  received_at: string;
}
export interface ProfileDetail extends Profile {
  tags: string[];
  lists: { id: string; name: string }[];
  consent: Record<string, { status: string; source: string; updated_at: string }>;
  events: TrackedEvent[];
}
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
  total?: number;
}

export interface Tag {
  id: string;
  name: string;
  profile_count: number;
  created_at: string;
}
export interface List {
  id: string;
  name: string;
  description: string | null;
  member_count: number;
  created_at: string;
  updated_at: string;
}
export interface ListMember {
  profile_id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  added_at?: string;
  entered_at?: string | null;
}
export interface EventName {
  name: string;
  count: number;
  first_seen_at: string;
  last_seen_at: string;
  property_names: string[];
}
export interface Channel {
  name: string;
  label: string | null;
  builtin: boolean;
  subscribers: number;
  created_at: string | null;
}
export interface Consent {
  channel: string;
  status: 'subscribed' | 'unsubscribed' | 'none';
  source: string | null;
  updated_at: string | null;
}
export interface PrivacyLogLine {
  id: string;
  kind: string;
  channel: string | null;
  old_value: string;
  new_value: string;
  source: string;
  actor: { kind: string; id?: string };
  note: string | null;
  at: string;
}

export interface Segment {
  id: string;
  name: string;
  description: string | null;
  rule: unknown;
  predefined: boolean;
  version: number;
  member_count: number;
  status: 'ready' | 'building' | 'invalid';
  used_by: { kind: string; id: string; name: string; active: boolean }[];
  created_at: string;
  updated_at: string;
}
export interface Preview {
  count: number;
  sample: { id: string; external_id: string | null; email: string | null; first_name: string | null; last_name: string | null }[];
}
export interface ExplainNode {
  kind: string;
  path: string;
  result: boolean;
  detail: string;
  segment_name?: string;
  children?: ExplainNode[];
}
export interface Explain {
  segment_id: string;
  profile_id: string;
  at: string;
  result: boolean;
  explanation: ExplainNode;
}
export interface HistoryPoint {
  start: string;
  stop: string;
  size: number;
  entered: number;
  exited: number;
}

export interface DncEntry {
  id: string;
  contact: string;
  contact_kind: 'email' | 'phone';
  channel: string | null;
  sender: string | null;
  source: string;
  added_at: string;
}
export interface DncImportReport {
  dry_run: boolean;
  file: { name: string; format: string; entry?: string; ignored_entries: string[] };
  rows: number;
  added: number;
  duplicate: number;
  invalid: number;
  blank: number;
  invalid_rows: { row: number; reason: string; value: string }[];
  sample: { row: number; contact: string; channel: string | null; sender: string | null }[];
  warnings: string[];
}

export interface Workspace {
  id: string;
  name: string;
  timezone: string;
  settings: Record<string, unknown>;
  created_at: string;
}
export interface ApiKey {
  id: string;
  kind: 'secret' | 'write';
  name: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  key?: string;
}
export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
}
export interface BulkCounts {
  changed: number;
  unchanged: number;
  invalid: number;
}

/** A background job (a bulk change over 10,000 profiles), GET /v1/jobs/{id}. */
export interface Job {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: { processed: number; total: number };
  counts: BulkCounts;
  error: string | null;
}

/** A segment a profile is in, GET /v1/profiles/{id}/segments. */
export interface ProfileSegment {
  id: string;
  name: string;
  predefined: boolean;
  status: 'ready' | 'building';
  entered_at: string | null;
}

/** Profile imports (docs/imports.md). */
export type ImportStatus = 'analyzing' | 'ready' | 'running' | 'done' | 'failed' | 'cancelled';
export type ImportTarget =
  | { kind: 'identifier'; identifier: 'email' | 'phone' | 'external_id' }
  | { kind: 'attribute'; name: string; type?: AttributeType; date_order?: 'dmy' | 'mdy' }
  | { kind: 'tag'; name?: string }
  | { kind: 'tags' }
  | { kind: 'consent'; channel: string }
  | { kind: 'skip' };
export type FitKind = 'number' | 'boolean' | 'date' | 'datetime' | 'email' | 'phone' | 'tag' | 'consent';
export interface ImportColumn {
  index: number;
  name: string;
  facts: {
    non_empty: number;
    fits: Record<FitKind, number>;
    date_order: 'dmy' | 'mdy';
    date_order_proved: boolean;
    inferred_type: AttributeType;
    phone_like: number;
    examples: string[];
  };
  suggestion: { target: ImportTarget; invalid: number; note?: string };
}
export interface ImportAnalysis {
  file: { name: string; format: string; entry?: string; ignored_entries: string[] };
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  skip_rows: number;
  header_row: number | null;
  data_after: number;
  rows: number;
  blank_rows: number;
  broken_rows: number;
  columns: ImportColumn[];
  preview: { row: number; cells: string[] }[];
  warnings: string[];
}
export interface Import {
  id: string;
  status: ImportStatus;
  file: { name: string; size: number };
  options: { delimiter?: string; encoding: string; sheet?: string; skip_rows: number; header: string };
  analysis?: ImportAnalysis | null;
  settings: {
    mode: 'upsert' | 'create-only' | 'update-only';
    empty_cells: 'leave' | 'clear';
    mapping: Record<string, string>;
    list: { id: string; name: string } | null;
    tags: string[];
    default_tag: string | null;
  } | null;
  progress: { rows_total: number | null; rows_read: number; percent: number | null; rows_per_second: number | null; eta_seconds: number | null };
  counts: { read: number; created: number; updated: number; unchanged: number; rejected: number };
  rejected_rows_url: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}
export interface ImportRejection {
  row: number;
  column: string | null;
  reason: string;
  cells: string[];
}

export type WebhookEvent = 'segment.entered' | 'segment.exited';
export interface Webhook {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEvent[];
  /** null: every segment. */
  segment_ids: string[] | null;
  active: boolean;
  created_at: string;
  updated_at: string;
  /** Only in the answer to the create, once. */
  secret?: string;
}
export interface WebhookDelivery {
  id: string;
  event: WebhookEvent | 'ping';
  transition_id: string | null;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  payload: unknown;
}
