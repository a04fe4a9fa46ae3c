-- Workflows: versioned definitions, durable runs with stored step results, approvals, notifications, email outbox.

create table workflows (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text not null default '',
  enabled boolean not null default false,
  current_version_id uuid,
  created_by_id uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Every save is a new version; runs keep the version they started with.
create table workflow_versions (
  id uuid primary key default gen_random_uuid(),
  workflow_id uuid not null references workflows (id) on delete cascade,
  version integer not null,
  definition jsonb not null,
  created_by_id uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (workflow_id, version)
);
alter table workflows add constraint workflows_current_version_fk foreign key (current_version_id) references workflow_versions (id);

create table workflow_runs (
  id uuid primary key default gen_random_uuid(),
  workflow_id uuid not null references workflows (id) on delete cascade,
  version_id uuid not null references workflow_versions (id),
  request_id uuid not null references requests (id),
  -- the timeline entry whose event started the run: one run per workflow per event, however often it is delivered
  trigger_entry_id bigint not null,
  state text not null check (state in ('running', 'waiting', 'succeeded', 'failed', 'cancelled')),
  -- workflows whose changes led to this run (loop detection)
  chain uuid[] not null default '{}',
  -- what later steps can read: e.g. the last approval's outcome
  context jsonb not null default '{}',
  error text,
  failed_step text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (workflow_id, trigger_entry_id)
);
create index workflow_runs_request_idx on workflow_runs (request_id, created_at desc);
create index workflow_runs_workflow_idx on workflow_runs (workflow_id, created_at desc);

-- One row per step reached, keyed by its path ("0", "2.then.1"); a finished step is never run again.
create table workflow_run_steps (
  run_id uuid not null references workflow_runs (id) on delete cascade,
  path text not null,
  type text not null,
  state text not null check (state in ('running', 'waiting', 'succeeded', 'failed', 'skipped')),
  result jsonb not null default '{}',
  error text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (run_id, path)
);

create table approvals (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null references workflow_runs (id) on delete cascade,
  request_id uuid not null references requests (id),
  step_path text not null,
  approver_id uuid not null references users (id),
  -- queued: a later approver of an "all in sequence" group, not asked yet
  state text not null check (state in ('queued', 'pending', 'approved', 'rejected', 'cancelled', 'expired')),
  position integer not null default 0,
  message text not null default '',
  due_at timestamptz,
  decided_at timestamptz,
  comment text,
  created_at timestamptz not null default now()
);
create index approvals_approver_idx on approvals (approver_id, state);
create index approvals_run_idx on approvals (run_id, step_path);

create table notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  request_id uuid references requests (id),
  kind text not null,
  title text not null,
  body text not null default '',
  link text,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create index notifications_user_idx on notifications (user_id, created_at desc);

-- Every email Bridgedesk sends goes through here; without SMTP it stays readable by admins (nothing is dropped).
create table email_outbox (
  id uuid primary key default gen_random_uuid(),
  to_address text not null,
  subject text not null,
  body text not null,
  state text not null check (state in ('pending', 'sent', 'failed', 'not_configured')),
  attempts integer not null default 0,
  last_error text,
  request_id uuid references requests (id),
  sent_at timestamptz,
  created_at timestamptz not null default now()
);
create index email_outbox_created_idx on email_outbox (created_at desc);

alter table escalations add column workflow_run_id uuid references workflow_runs (id);
-- the workflow run whose step wrote the entry; null for people and other system work
alter table timeline_entries add column caused_by_run_id uuid;
