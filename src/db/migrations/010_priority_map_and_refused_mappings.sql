-- Request priority → destination priority, chosen by the admin per connection (null: the provider's default map,
-- for Kustomer low 2, medium 3, high 4, urgent 5). Shape: {"low": n, "medium": n, "high": n, "urgent": n}.
alter table destination_connections add column priority_map jsonb;

-- A mapped attribute the destination no longer knows (deleted from Kustomer's metadata since the mapping was
-- saved): pushes leave it out from refused_at on, and settings say so. Cleared when the attribute is back or the
-- set is saved again.
alter table field_mappings add column refused_at timestamptz;
alter table field_mappings add column refused_reason text;
