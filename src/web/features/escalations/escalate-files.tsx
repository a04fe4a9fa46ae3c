/**
 * The Escalate form's files: the request's public files (never an internal note's), all ticked at first; the agent
 * unticks what should stay behind. The ticked ones go with the conversation's first message.
 */
import { formatBytes } from '../../../core/attachments.ts';
import type { Attachment } from '../../../server/schemas/attachments.ts';
import { typeLabel } from '../attachments/attachment-list.tsx';

export function EscalateFiles({
  files,
  chosen,
  onChange,
  destination,
}: {
  files: Attachment[];
  chosen: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  destination: string;
}) {
  if (!files.length) return null;
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <fieldset className="escalate-files span-2" data-testid="escalate-files">
      <legend>
        Files to send ({chosen.size} of {files.length})
      </legend>
      <p className="muted small">The request's public files go with the first message to {destination}. Internal notes' files never do.</p>
      <ul>
        {files.map((f) => (
          <li key={f.id}>
            <label>
              <input type="checkbox" checked={chosen.has(f.id)} onChange={(e) => toggle(f.id, e.target.checked)} />
              <span className="attachment-name">{f.name}</span>{' '}
              <span className="muted small">
                {typeLabel(f.contentType)} · {formatBytes(f.size)}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
