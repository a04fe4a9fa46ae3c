/** The API's shapes as the web UI uses them (mirrors src/server/schemas/*). */

export const STATUSES = ['new', 'in_progress', 'waiting', 'resolved', 'archived'] as const;
export type Status = (typeof STATUSES)[number];
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const ROLES = ['admin', 'agent', 'requester'] as const;
export type Role = (typeof ROLES)[number];
export const CUSTOM_FIELD_TYPES = ['text', 'long_text', 'number', 'select', 'date', 'checkbox', 'person'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  managerId: string | null;
  department: string | null;
  title: string | null;
  location: string | null;
  active: boolean;
  hasPassword: boolean;
  createdAt: string;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}
export interface NamedRef {
  id: string;
  name: string;
}

export type FieldValue = string | number | boolean | null;

export interface Request {
  id: string;
  number: number;
  key: string;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  requester: PersonRef;
  createdBy: PersonRef | null;
  assignee: PersonRef | null;
  inbox: NamedRef | null;
  service: NamedRef | null;
  tags: string[];
  customFields: Record<string, FieldValue>;
  channel: string;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export interface RequestDetail extends Request {
  followers: PersonRef[];
}

export interface TimelineEntry {
  id: string;
  requestId: string;
  type: string;
  actor: { type: 'user' | 'token' | 'system'; userId: string | null; tokenId: string | null; name: string | null };
  visibility: 'public' | 'internal';
  data: Record<string, unknown>;
  createdAt: string;
  /** The workflow run whose step wrote the entry (staff only). */
  causedByRunId?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Inbox {
  id: string;
  name: string;
  description: string;
  memberIds: string[];
}

export interface Service {
  id: string;
  name: string;
  description: string;
  defaultInboxId: string | null;
  active: boolean;
}

export interface CustomField {
  id: string;
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  required: boolean;
  serviceIds: string[] | null;
  position: number;
  active: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  lastFour: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export const isStaffRole = (role: Role | undefined): boolean => role === 'admin' || role === 'agent';
