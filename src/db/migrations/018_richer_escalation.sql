-- Richer escalation (issue 17 point 5): what Bridgedesk knows of a destination's directory beyond its queues and
-- teams (its users, tags and sub-statuses, read at connect and re-sync), the admin's tag allow-list, and what an
-- escalation asked for at create beyond its target (tags, assignee, sub-status), fixed when it is submitted so every
-- delivery attempt sends the same.
create table destination_directory (
  connection_id uuid not null references destination_connections (id) on delete cascade,
  kind text not null check (kind in ('user', 'tag', 'sub_status')),
  remote_id text not null,
  name text not null,
  -- kind-specific facts: a user's `machine` flag, a sub-status's `parentStatus`
  detail jsonb not null default '{}',
  last_seen_at timestamptz not null default now(),
  primary key (connection_id, kind, remote_id)
);

-- Request tags (lowercase names) that may be sent to the destination; empty: none is sent.
alter table destination_connections add column tag_allow_list text[] not null default '{}';

-- {tags: [{id, name}], assignee: {kind, id, name} | null, subStatus: {id, name} | null}; null: none asked.
alter table escalations add column create_extras jsonb;
