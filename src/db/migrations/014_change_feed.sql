-- The change feed: every committed change an open page shows is announced on the channel bridgedesk_changes, so
-- each server process (one LISTEN connection each, src/db/change-feed.ts) can push it to its browsers at once.
-- Statement triggers, not calls in the use cases: every writer is covered, the announcement is part of the writing
-- transaction (NOTIFY is delivered only on commit, so nothing that rolled back is announced), and no round trip is
-- added. Payloads stay far below NOTIFY's 8000-byte limit: ids and a visibility, never text a reader could not see.

-- One notification per request and visibility per statement; the newest entry id orders them for the reader.
create function notify_timeline_change() returns trigger language plpgsql as $$
declare
  r record;
begin
  for r in select request_id, visibility, max(id) as last_id from new_entries group by request_id, visibility loop
    perform pg_notify('bridgedesk_changes', json_build_object(
      'kind', 'timeline', 'requestId', r.request_id, 'visibility', r.visibility, 'entryId', r.last_id::text)::text);
  end loop;
  return null;
end $$;
create trigger timeline_entries_notify after insert on timeline_entries
  referencing new table as new_entries for each statement execute function notify_timeline_change();

-- An escalation created or moved (state, remote status, retry): the escalation card and list column follow it.
create function notify_escalation_change() returns trigger language plpgsql as $$
declare
  r record;
begin
  for r in select distinct request_id, id from changed_escalations loop
    perform pg_notify('bridgedesk_changes', json_build_object('kind', 'escalation', 'requestId', r.request_id, 'escalationId', r.id)::text);
  end loop;
  return null;
end $$;
-- Postgres allows a transition table only on a trigger with one event: one trigger each for insert and update.
create trigger escalations_insert_notify after insert on escalations
  referencing new table as changed_escalations for each statement execute function notify_escalation_change();
create trigger escalations_update_notify after update on escalations
  referencing new table as changed_escalations for each statement execute function notify_escalation_change();
