-- Files fetched from a destination's thread (a Kustomer note's or message's files, issue 18 point 4): the
-- destination's id of the file each copy was made from, unique per timeline entry, so a fetch job retried after a
-- lost reply or a crash finds the copy it made and never attaches the same file to the entry twice.
alter table attachments add column remote_file_id text;
create unique index attachments_entry_remote_file_idx on attachments (timeline_entry_id, remote_file_id) where remote_file_id is not null;

-- A copy attached after its entry was written (the fetch job runs after the thread read): announced like a new entry
-- of the request (migration 014's payload, the entry's visibility), so an open page shows the file when it arrives.
create function notify_remote_file_attached() returns trigger language plpgsql as $$
begin
  perform pg_notify('bridgedesk_changes', json_build_object(
    'kind', 'timeline', 'requestId', new.request_id,
    'visibility', (select visibility from timeline_entries where id = new.timeline_entry_id),
    'entryId', new.timeline_entry_id::text)::text);
  return null;
end $$;
create trigger attachments_remote_copy_notify after update on attachments for each row
  when (old.remote_file_id is null and new.remote_file_id is not null) execute function notify_remote_file_attached();
