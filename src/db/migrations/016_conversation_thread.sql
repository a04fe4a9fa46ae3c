-- The linked conversation's thread (its notes and messages) on the request. Each remote note or message is one
-- timeline entry, never two: the webhook and the poll can both see the same conversation change, two escalations of
-- a request can link the same conversation, and a thread read re-reads around its cursor. The key is the item's
-- remote id, per request and destination.
create unique index timeline_entries_thread_item_idx on timeline_entries (request_id, (data ->> 'origin'), (data ->> 'remoteId'))
  where type in ('sync.message_received', 'sync.note_received') and data ? 'remoteId';

-- Where the last read of the escalation's thread got to (the destination's own cursor, opaque to Bridgedesk).
alter table escalations add column thread_cursor text;
