-- The linked conversation's last known state beyond its status (issue 17): sub-status, snooze time, assignee, queue,
-- priority and last activity, as the escalation card and the request list show them, plus when it became open in the
-- destination (waiting on them). Kept on the escalation row, which is already the one row per linked conversation
-- holding its status and `remote_updated_at` cursor: the change feed announces every escalation update (migration
-- 014), so a stored change reaches open pages with no more work, the list already reads the latest escalation, and
-- the newer-only check stays one comparison on the row it writes. A separate table would add a join to both and a
-- second trigger.
alter table escalations add column remote_details jsonb;
alter table escalations add column remote_open_since timestamptz;
-- "Waiting on Kustomer" and "Done in Kustomer" filter on the latest escalation's remote status.
create index escalations_remote_status_idx on escalations (remote_status) where remote_status is not null;

-- The card shows these too: a change to them alone (an assignee, a snooze) is announced to open pages (migration 014).
drop trigger escalations_update_notify on escalations;
create trigger escalations_update_notify after update on escalations for each row
  when (old.state is distinct from new.state
        or old.remote_status is distinct from new.remote_status
        or old.remote_url is distinct from new.remote_url
        or old.remote_details is distinct from new.remote_details
        or old.remote_open_since is distinct from new.remote_open_since
        or old.next_attempt_at is distinct from new.next_attempt_at
        or old.last_error is distinct from new.last_error
        or old.target_remote_id is distinct from new.target_remote_id)
  execute function notify_escalation_change();
