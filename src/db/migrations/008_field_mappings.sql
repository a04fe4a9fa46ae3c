-- Field mapping: which Bridgedesk request field fills which custom attribute of the destination's ticket
-- (Kustomer: a conversation custom attribute such as orderNumberStr). One remote field per request field.

create table field_mappings (
  connection_id uuid not null references destination_connections (id) on delete cascade,
  -- a built-in field (title, description, priority, status, service, tags, requester_email, requester_name,
  -- request_key, request_link) or 'field.<custom field key>'
  request_field text not null check (
    request_field in ('title', 'description', 'priority', 'status', 'service', 'tags', 'requester_email', 'requester_name', 'request_key', 'request_link')
    or request_field ~ '^field\.[a-z][a-z0-9_]*$'
  ),
  -- the attribute's name in the destination, e.g. orderNumberStr
  remote_field text not null,
  -- the attribute's type when the mapping was saved (text, long_text, number, date, boolean, url, list, ...)
  remote_type text not null,
  created_at timestamptz not null default now(),
  primary key (connection_id, request_field),
  -- two request fields writing one attribute would overwrite each other
  unique (connection_id, remote_field)
);
