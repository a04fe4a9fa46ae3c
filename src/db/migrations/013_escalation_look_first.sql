-- Whether a delivery run must look for what an earlier run (or an agent's link) may have made in the destination
-- before it creates anything: set by the statement that counts a run's attempt, true from then on. It replaces
-- reading "attempts > 1" as that flag: attempts only counts runs (rate-limit waits give theirs back), so the
-- count and the flag no longer move together.
alter table escalations add column look_first boolean not null default false;
-- Rows from before this column: a run was counted (or an agent linked a conversation) exactly when attempts > 0.
update escalations set look_first = true where attempts > 0;
