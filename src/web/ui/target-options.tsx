/** A select's grouped options: each item as `<kind>:<id>` (`queue:…`, `team:…`, `user:…`); an empty group is left out. */
type Item = { id: string; name: string };
type Target = { remoteId: string; name: string };

export function OptionGroup({ label, kind, items }: { label: string; kind: string; items: readonly Item[] }) {
  if (items.length === 0) return null;
  return (
    <optgroup label={label}>
      {items.map((t) => (
        <option key={t.id} value={`${kind}:${t.id}`}>
          {t.name}
        </option>
      ))}
    </optgroup>
  );
}

/** A destination's synced targets (by remote id), queues then teams. */
export function TargetOptions({ queues, teams }: { queues: Target[]; teams: Target[] }) {
  const items = (list: Target[]) => list.map((t) => ({ id: t.remoteId, name: t.name }));
  return (
    <>
      <OptionGroup label="Queues" kind="queue" items={items(queues)} />
      <OptionGroup label="Teams" kind="team" items={items(teams)} />
    </>
  );
}
