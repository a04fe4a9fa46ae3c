-- The request list: sorting by last update, and each person's saved views.

-- Keyset paging in each sort order reads an index (both directions), not the whole table. The priority and status
-- ranks are written exactly as the list query writes them (src/db/repositories/requests.ts, sortKey), or the
-- planner cannot use these indexes: without them, sorting 100,000 requests by priority took about 0.5 s.
create index requests_updated_idx on requests (updated_at, number);
create index requests_priority_rank_idx on requests ((array_position('{low,medium,high,urgent}'::text[], priority)), number);
create index requests_status_rank_idx on requests ((array_position('{new,in_progress,waiting,resolved,archived}'::text[], status)), number);

-- A person's named list: the list's filters, sort and order as GET /api/v1/requests query parameters (strings),
-- so opening a view is the same list a shared URL gives. Built-in views (My open, ...) are not stored.
create table saved_views (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null check (length(name) between 1 and 60),
  query jsonb not null,
  created_at timestamptz not null default now()
);
create unique index saved_views_user_name_key on saved_views (user_id, lower(name));
