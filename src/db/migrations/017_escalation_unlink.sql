-- Unlinking an escalation (issue 17, point 4): an agent ends the link between a request and its Kustomer
-- conversation. The row stays, with its conversation id and last known remote state, as history; its state
-- `unlinked` takes it out of every sync path (webhooks, the poll, thread reads, pushes). Linking the same
-- conversation again makes a new escalation, so an unlinked row is final.
alter table escalations drop constraint escalations_state_check;
alter table escalations add constraint escalations_state_check
  check (state in ('sending', 'created', 'linked', 'link_failed', 'failed', 'unlinked'));
alter table escalations add column unlinked_at timestamptz;
alter table escalations add column unlinked_by_id uuid references users (id) on delete set null;
