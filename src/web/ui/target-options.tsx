/** A select's options for a destination's targets, as `queue:<id>` and `team:<id>`, grouped; an empty group is left out. */
type Target = { remoteId: string; name: string };

export function TargetOptions({ queues, teams }: { queues: Target[]; teams: Target[] }) {
  const group = (label: string, kind: string, list: Target[]) =>
    list.length > 0 && (
      <optgroup label={label}>
        {list.map((t) => (
          <option key={t.remoteId} value={`${kind}:${t.remoteId}`}>
            {t.name}
          </option>
        ))}
      </optgroup>
    );
  return (
    <>
      {group('Queues', 'queue', queues)}
      {group('Teams', 'team', teams)}
    </>
  );
}
