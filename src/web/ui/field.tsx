/** A labelled form control with its hint and error underneath. */
import { type ReactNode, useId } from 'react';

export function Field({
  label,
  error,
  hint,
  required,
  children,
  className,
}: {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  required?: boolean;
  /** Receives the id to put on the control, so the label points at it. */
  children: (id: string, describedBy: string | undefined) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const noteId = `${id}-note`;
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id} className="field-label">
        {label}
        {required && (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {children(id, error || hint ? noteId : undefined)}
      {error ? (
        <div id={noteId} className="field-error">
          {error}
        </div>
      ) : hint ? (
        <div id={noteId} className="field-hint">
          {hint}
        </div>
      ) : null}
    </div>
  );
}
