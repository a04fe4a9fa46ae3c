-- Connections to the systems requests escalate into (Kustomer first), the queues and teams they route to, and the
-- shared request budget per vendor account.

create table destination_connections (
  id uuid primary key default gen_random_uuid(),
  -- one connection per provider
  provider text not null unique,
  -- the provider's account name, e.g. the Kustomer org name (validated as a DNS label)
  account text not null,
  -- AES-256-GCM under the server's secret key; never returned by the API
  secret_encrypted text not null,
  secret_last_four text not null,
  status text not null check (status in ('connected', 'invalid_credentials')),
  -- set when a call was refused with 401/403; cleared by saving a new key
  status_reason text,
  status_changed_at timestamptz not null default now(),
  -- permissions the key lacks (optional features), named the provider's way
  missing_permissions text[] not null default '{}',
  last_synced_at timestamptz,
  last_sync_error text,
  connected_by_id uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table destination_targets (
  connection_id uuid not null references destination_connections (id) on delete cascade,
  kind text not null check (kind in ('queue', 'team')),
  remote_id text not null,
  name text not null,
  -- agents may escalate here
  enabled boolean not null default false,
  -- false once a re-sync no longer finds it; kept so requests that used it still show its name
  available boolean not null default true,
  last_seen_at timestamptz not null default now(),
  primary key (connection_id, kind, remote_id)
);

-- One row per vendor account: what its rate-limit headers last said, shared by every worker.
create table rate_budgets (
  key text primary key,
  window_limit integer not null,
  remaining integer not null,
  reset_at timestamptz not null,
  updated_at timestamptz not null default now()
);
