-- Two-way status sync with destinations: settings, webhook subscription, polling cursor, an inbox of events.

alter table destination_connections
  -- {inbound, outbound, inboundMap, outboundMap, pollMinutes, commentSync}; see core/sync-settings.ts
  add column sync_settings jsonb not null default '{}',
  -- the secret part of this connection's webhook URL (/api/v1/webhooks/kustomer/<token>); only its hash is stored
  add column webhook_token_hash text,
  -- the same token encrypted, to show the admin the URL (needed when the webhook must be set up by hand)
  add column webhook_token_encrypted text,
  add column webhook_remote_id text,
  -- the provider's signing secret for webhook bodies, encrypted like the API key
  add column webhook_signing_key_encrypted text,
  -- when the webhook could not be created through the API, what the admin must do by hand
  add column webhook_setup_note text,
  add column poll_cursor timestamptz,
  add column last_inbound_at timestamptz,
  add column last_sync_event_error text;
create unique index destination_connections_webhook_idx on destination_connections (webhook_token_hash);

-- Every event received (webhook or poll), stored raw before processing; a repeated event id is stored once.
create table destination_events (
  id bigint generated always as identity primary key,
  connection_id uuid not null references destination_connections (id) on delete cascade,
  event_id text not null,
  source text not null check (source in ('webhook', 'poll')),
  payload jsonb not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  error text,
  unique (connection_id, event_id)
);

alter table escalations
  add column remote_status text,
  -- the destination's updatedAt of the newest state applied: older events (out of order) are ignored
  add column remote_updated_at timestamptz,
  -- what Bridgedesk itself last set on the conversation, to recognise its own change coming back
  add column last_pushed_status text,
  add column last_pushed_at timestamptz;
