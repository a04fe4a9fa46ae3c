-- The change feed: every committed change an open page shows is announced on the channel bridgedesk_changes, so
-- each server process (one LISTEN connection each, src/db/change-feed.ts) can push it to its browsers at once.
-- Triggers, not calls in the use cases: every writer is covered, the announcement is part of the writing
-- transaction (NOTIFY is delivered only on commit, so nothing that rolled back is announced), and no round trip is
-- added. Payloads stay far below NOTIFY's 8000-byte limit: ids and a visibility, never text a reader could not see.

-- One notification per entry: a row trigger costs the writing statement less than a statement trigger with a
-- transition table (bench:escalation (c) measures it).
create function notify_timeline_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('bridgedesk_changes', json_build_object(
    'kind', 'timeline', 'requestId', new.request_id, 'visibility', new.visibility, 'entryId', new.id::text)::text);
  return null;
end $$;
create trigger timeline_entries_notify after insert on timeline_entries for each row execute function notify_timeline_change();

-- An escalation created or moved (state, remote state, retry, error, target): the escalation card and list column
-- follow it. Row triggers with a WHEN clause, so the updates no page shows (counting an attempt, a thread cursor,
-- bookkeeping) cost no call at all: escalation delivery is benchmarked, and a statement trigger with a transition
-- table cost it about 15% of its throughput (bench:escalation (c)).
create function notify_escalation_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('bridgedesk_changes', json_build_object('kind', 'escalation', 'requestId', new.request_id, 'escalationId', new.id)::text);
  return null;
end $$;
create trigger escalations_insert_notify after insert on escalations for each row execute function notify_escalation_change();
create trigger escalations_update_notify after update on escalations for each row
  when (old.state is distinct from new.state
        or old.remote_status is distinct from new.remote_status
        or old.remote_url is distinct from new.remote_url
        or old.next_attempt_at is distinct from new.next_attempt_at
        or old.last_error is distinct from new.last_error
        or old.target_remote_id is distinct from new.target_remote_id)
  execute function notify_escalation_change();
