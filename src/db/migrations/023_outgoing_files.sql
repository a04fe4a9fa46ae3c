-- Files Bridgedesk sends to a destination (issue 18): which of the request's attachments an escalation takes to the
-- conversation's first message (chosen by the agent, recorded with the escalation in its transaction), and how far
-- each file's sending got, per thing it goes with (an escalation, a Note to the destination, a synced comment), so a
-- retried delivery never uploads or attaches a file twice (core/destination.ts FileCheckpoints).
alter table escalations add column attachment_ids uuid[] not null default '{}';

create table file_checkpoints (
  -- what the file goes with: 'escalation:<id>', 'note:<timeline entry id>', 'comment:<timeline entry id>'
  scope text not null,
  attachment_id uuid not null references attachments (id) on delete cascade,
  -- {"remoteId": "...", "uploaded": bool} or {"refused": "<the destination's reason>"}
  progress jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (scope, attachment_id)
);
