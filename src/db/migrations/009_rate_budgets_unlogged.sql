-- The rate budget is written on every vendor call and is worth nothing after a crash (the next call probes the
-- vendor again): skip the write-ahead log, so its commits need no WAL flush.
alter table rate_budgets set unlogged;
