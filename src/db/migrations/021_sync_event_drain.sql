-- Webhook deliveries are stored by one statement each and applied by a drain that takes them in batches
-- (usecases/sync/drain-events.ts); a linked conversation's thread is read only when its activity moved.

alter table destination_events
  -- which of the connection's drains applies it (drain-events.ts): all events of one ticket go to the same lane, so
  -- they apply in the order received while other tickets' events apply beside them
  add column lane smallint not null default 0,
  -- failed tries of this event; the drain retries it at retry_at (backoff), and gives up after a few (error kept)
  add column attempts smallint not null default 0,
  add column retry_at timestamptz;
-- The drains' work lists: what is left to apply, per connection and lane, oldest first. Partial, so it stays as small
-- as the backlog however many events were ever received.
create index destination_events_unprocessed_idx on destination_events (connection_id, lane, id) where processed_at is null;

-- A delivery no longer writes its connection (the one row every delivery shared was a point of contention); the last
-- event received is read from destination_events (sync-settings.ts), and nothing read this.
alter table destination_connections drop column last_inbound_at;

-- What the destination said of the conversation's activity (Kustomer: its message and note counts and last activity,
-- docs/kustomer.md §34) when its thread was last queued for a read: a change whose mark is the same wrote nothing new.
alter table escalations add column thread_mark text;
-- When a read of its thread was last queued: a newer change reads it anyway once this is an hour old, should Kustomer
-- add a note without moving the mark (assumed to move: docs/kustomer.md §34).
alter table escalations add column thread_read_at timestamptz;

-- One apply job per event is gone: the events such jobs pointed at are drained when a worker starts.
do $$
begin
  if to_regclass('graphile_worker._private_jobs') is not null then
    delete from graphile_worker._private_jobs
     where task_id in (select id from graphile_worker._private_tasks where identifier = 'apply-sync-event');
  end if;
end
$$;
