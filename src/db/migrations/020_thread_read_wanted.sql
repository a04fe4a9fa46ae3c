-- A read of the linked conversation's thread is wanted (queued with each change the destination tells of) and not
-- done yet. A workflow step that quotes the conversation's last reply waits while it is set, so a message sent with
-- the very change that started the run ("send and mark done" in Kustomer) is quoted, not the one before it; the read
-- clears it (unless a newer change wanted another read meanwhile) and wakes such runs in the same transaction.
-- Kept here rather than read from the job queue: a running job's row outlives its transaction, so a run woken by the
-- read would still see it pending.
alter table escalations add column thread_read_wanted_at timestamptz;
