/**
 * "Discard this escalation?" asked inside a form (not the browser's confirm, which cannot be styled or tested and
 * blocks the page): "Keep editing" takes the focus, so Enter or a second thought never loses the text.
 */
import { useId } from 'react';

export function DiscardQuestion({
  title = 'Discard this escalation?',
  text = 'Your edits to it are not saved anywhere.',
  onKeep,
  onDiscard,
}: {
  title?: string;
  text?: string;
  onKeep: () => void;
  onDiscard: () => void;
}) {
  const id = useId();
  return (
    <div
      className="banner banner-warning discard-question"
      role="alertdialog"
      aria-label={title}
      aria-describedby={`${id}-text`}
      data-testid="discard-question"
    >
      <div className="stack-tight">
        <strong>{title}</strong>
        <span id={`${id}-text`}>{text}</span>
      </div>
      <div className="action-buttons">
        <button type="button" className="btn btn-small" onClick={onKeep} autoFocus>
          Keep editing
        </button>
        <button type="button" className="btn btn-small btn-danger" onClick={onDiscard}>
          Discard
        </button>
      </div>
    </div>
  );
}
