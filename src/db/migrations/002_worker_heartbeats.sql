-- Live graphile-worker workers. graphile-worker leaves jobs of a SIGKILLed worker locked for 4 hours; any live
-- process releases the jobs of workers whose heartbeat went stale (see src/jobs/worker-heartbeat.ts).
create table worker_heartbeats (
  worker_id text primary key,
  -- which OS process runs it, for operators reading this table
  process_label text not null,
  seen_at timestamptz not null default now()
);
