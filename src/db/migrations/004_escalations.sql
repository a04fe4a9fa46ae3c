-- Escalations: a request handed to a destination (Kustomer) as a linked conversation, delivered by a job.

create table escalations (
  -- also the external id of the conversation in the destination, so a retry finds what an earlier attempt created
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references requests (id),
  provider text not null,
  -- 'created': Bridgedesk creates the conversation; 'linked_existing': an agent linked one that already existed
  origin text not null default 'created' check (origin in ('created', 'linked_existing')),
  target_kind text check (target_kind in ('queue', 'team')),
  target_remote_id text,
  -- the target's name when chosen, kept even if it later disappears from the destination
  target_name text,
  channel text,
  -- in the destination's own scale (Kustomer: 1-5)
  priority integer,
  subject text not null default '',
  message text not null default '',
  -- sending -> created -> linked; link_failed when the back-link cannot be posted; failed when nothing was created
  state text not null check (state in ('sending', 'created', 'linked', 'link_failed', 'failed')),
  contact_remote_id text,
  remote_id text,
  remote_url text,
  -- the first message was recorded on the conversation (it sets the conversation's channel)
  message_posted boolean not null default false,
  -- delivery runs that called the destination; rate-limit waits do not count
  attempts integer not null default 0,
  last_error text,
  last_error_kind text check (last_error_kind in ('retryable', 'auth', 'permanent')),
  next_attempt_at timestamptz,
  requested_by_id uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  linked_at timestamptz
);
create index escalations_request_idx on escalations (request_id, created_at desc);
create index escalations_remote_idx on escalations (provider, remote_id);

-- Which request field holds the email of the customer a conversation is about (a custom field key); null: the requester's email.
alter table destination_connections add column contact_email_field text;
