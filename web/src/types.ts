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
