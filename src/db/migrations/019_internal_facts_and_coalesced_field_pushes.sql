-- Issue 17 point 6: the internal side of a request, visible in Kustomer.

-- The internal facts an admin can map to conversation attributes (src/core/internal-facts.ts), besides the
-- built-ins of 008.
alter table field_mappings drop constraint field_mappings_request_field_check;
alter table field_mappings add constraint field_mappings_request_field_check check (
  request_field in ('title', 'description', 'priority', 'status', 'service', 'tags', 'requester_email', 'requester_name', 'request_key', 'request_link',
                    'assignee_name', 'assignee_email', 'pending_approval', 'last_internal_update', 'last_internal_update_at')
  or request_field ~ '^field\.[a-z][a-z0-9_]*$'
);

-- Mapped request fields changed since the last push to an escalation's conversation. Changes add a row here (one
-- per field, its time moved on by a later change) and replace the escalation's one pending push job (job key
-- field-push:<escalation id>), so a burst of changes becomes one push: it reads the rows, sends the fields' values as
-- they are then, and deletes the rows it read (those not changed again meanwhile) with its timeline entry.
create table field_push_pending (
  escalation_id uuid not null references escalations (id) on delete cascade,
  request_field text not null,
  changed_at timestamptz not null default clock_timestamp(),
  primary key (escalation_id, request_field)
);
