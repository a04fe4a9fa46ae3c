-- The service desk: people, sessions, catalog, requests and their append-only timeline.

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  name text not null,
  role text not null check (role in ('admin', 'agent', 'requester')),
  -- null until the person sets a password (invited users) or for people who never sign in
  password_hash text,
  manager_id uuid references users (id) on delete set null,
  department text,
  title text,
  location text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (manager_id is distinct from id)
);
create unique index users_email_key on users (lower(email));
create index users_manager_idx on users (manager_id);

-- Browser sessions. The cookie holds a random id; only its SHA-256 is stored.
create table sessions (
  id_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_idx on sessions (user_id);

-- Personal API tokens. Only the SHA-256 of the token is stored; the token is shown once.
create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  last_four text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_user_idx on api_tokens (user_id);

-- Failed sign-ins, counted per email and per client address to throttle guessing.
create table login_failures (
  id bigint generated always as identity primary key,
  key text not null,
  created_at timestamptz not null default now()
);
create index login_failures_key_idx on login_failures (key, created_at);

create table inboxes (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index inboxes_name_key on inboxes (lower(name));

create table inbox_members (
  inbox_id uuid not null references inboxes (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  primary key (inbox_id, user_id)
);

create table services (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text not null default '',
  -- requests for this service land in this inbox unless the submitter picks another
  default_inbox_id uuid references inboxes (id) on delete set null,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index services_name_key on services (lower(name));

create table custom_fields (
  id uuid primary key default gen_random_uuid(),
  -- stable machine name used in API payloads and templates, e.g. customer_email
  key text not null unique check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  label text not null,
  type text not null check (type in ('text', 'long_text', 'number', 'select', 'date', 'checkbox', 'person')),
  -- choices of a select field; empty for other types
  options text[] not null default '{}',
  required boolean not null default false,
  -- null: asked on every request; else only on requests of these services
  service_ids uuid[],
  position integer not null default 0,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table requests (
  id uuid primary key default gen_random_uuid(),
  -- human-readable number shown as REQ-<number>
  number bigint generated always as identity unique,
  title text not null,
  description text not null default '',
  requester_id uuid not null references users (id),
  -- who submitted it; differs from requester when an agent submits on someone's behalf
  created_by_id uuid references users (id),
  assignee_id uuid references users (id) on delete set null,
  inbox_id uuid references inboxes (id) on delete set null,
  service_id uuid references services (id) on delete set null,
  status text not null default 'new' check (status in ('new', 'in_progress', 'waiting', 'resolved', 'archived')),
  priority text not null default 'medium' check (priority in ('low', 'medium', 'high', 'urgent')),
  tags text[] not null default '{}',
  -- values keyed by custom_fields.key
  custom_fields jsonb not null default '{}',
  channel text not null default 'web',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  resolved_at timestamptz,
  search tsvector generated always as (to_tsvector('simple', title || ' ' || description)) stored
);
create index requests_status_idx on requests (status, number desc);
create index requests_priority_idx on requests (priority, number desc);
create index requests_requester_idx on requests (requester_id, number desc);
create index requests_assignee_idx on requests (assignee_id, number desc);
create index requests_inbox_idx on requests (inbox_id, number desc);
create index requests_service_idx on requests (service_id, number desc);
create index requests_tags_idx on requests using gin (tags);
create index requests_search_idx on requests using gin (search);

create table request_followers (
  request_id uuid not null references requests (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (request_id, user_id)
);
create index request_followers_user_idx on request_followers (user_id);

-- Append-only audit trail of a request: every change, comment and system action.
create table timeline_entries (
  id bigint generated always as identity primary key,
  request_id uuid not null references requests (id),
  type text not null,
  actor_type text not null check (actor_type in ('user', 'token', 'system')),
  -- the person acting (for a token, its owner); null for the system
  actor_user_id uuid references users (id),
  actor_token_id uuid references api_tokens (id),
  -- 'internal' entries (internal notes) are never shown to requesters
  visibility text not null default 'public' check (visibility in ('public', 'internal')),
  data jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index timeline_entries_request_idx on timeline_entries (request_id, id);

create function timeline_entries_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'timeline entries are append-only' using errcode = 'P0001';
end $$;
create trigger timeline_entries_no_update before update or delete on timeline_entries
  for each row execute function timeline_entries_append_only();
create trigger timeline_entries_no_truncate before truncate on timeline_entries
  for each statement execute function timeline_entries_append_only();
