/** A table's header row: one column per label, then, with `actions`, the unlabelled column of the rows' buttons. */
export function TableHead({ columns, actions }: { columns: string[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c}>{c}</th>
        ))}
        {actions && <th className="col-actions" aria-label="Actions" />}
      </tr>
    </thead>
  );
}
