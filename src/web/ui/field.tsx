/** A labelled form control with its hint and error underneath. */
import { type ComponentProps, createContext, type ReactNode, useContext, useId } from 'react';

/** What Input, TextArea and Select inside a Field take from it, so its label and note point at them. */
const FieldIds = createContext<{ id?: string; describedBy?: string }>({});

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
  /** The control (an Input, TextArea or Select) or a FieldText; for any other control, a function that receives the id to put on it. */
  children: ReactNode | ((id: string, describedBy: string | undefined) => ReactNode);
  className?: string;
}) {
  const id = useId();
  const noteId = `${id}-note`;
  const describedBy = error || hint ? noteId : undefined;
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
      {typeof children === 'function' ? children(id, describedBy) : <FieldIds value={{ id, describedBy }}>{children}</FieldIds>}
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

/** What a Field shows when it cannot be changed here. */
export function FieldText(props: ComponentProps<'div'>) {
  const { id } = useContext(FieldIds);
  return <div id={id} {...props} />;
}

export function Input(props: ComponentProps<'input'>) {
  const { id, describedBy } = useContext(FieldIds);
  return <input id={id} aria-describedby={describedBy} {...props} />;
}

export function TextArea(props: ComponentProps<'textarea'>) {
  const { id, describedBy } = useContext(FieldIds);
  return <textarea id={id} aria-describedby={describedBy} {...props} />;
}

export function Select(props: ComponentProps<'select'>) {
  const { id, describedBy } = useContext(FieldIds);
  return <select id={id} aria-describedby={describedBy} {...props} />;
}
