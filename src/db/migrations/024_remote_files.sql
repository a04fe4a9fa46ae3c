-- Files fetched from a destination's thread (a Kustomer note's or message's files, issue 18 point 4): the
-- destination's id of the file each copy was made from, unique per timeline entry, so a fetch job retried after a
-- lost reply or a crash finds the copy it made and never attaches the same file to the entry twice.
alter table attachments add column remote_file_id text;
create unique index attachments_entry_remote_file_idx on attachments (timeline_entry_id, remote_file_id) where remote_file_id is not null;
