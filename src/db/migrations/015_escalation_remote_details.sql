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
