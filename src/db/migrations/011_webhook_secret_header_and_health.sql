-- Status sync webhooks without relying on Kustomer's unconfirmed signature, and recovery from a webhook Kustomer
-- disabled (docs/features/status-sync.md).

alter table destination_connections
  -- the per-connection secret Kustomer sends back in a custom header with every delivery, encrypted like the API key
  add column webhook_secret_encrypted text,
  -- after a rotation, the previous secret is still accepted until webhook_previous_secret_until, then dropped
  add column webhook_previous_secret_encrypted text,
  add column webhook_previous_secret_until timestamptz,
  add column webhook_secret_rotated_at timestamptz,
  -- the last check of the subscription in Kustomer (is it there, is it enabled?) and what it found
  add column webhook_checked_at timestamptz,
  add column webhook_check_error text,
  -- when the check last found the webhook disabled or gone, what it did, and how many changes it backfilled
  add column webhook_disabled_at timestamptz,
  add column webhook_repaired_at timestamptz,
  add column webhook_repair text check (webhook_repair in ('re-enabled', 're-created')),
  add column webhook_backfilled integer;
