/** The frame every admin page shares: title, description, the "Add …" button (`add`) or other actions, and the list state. */
import type { ReactNode } from 'react';
import { ErrorBanner, Loading } from '../../ui/states.tsx';

export function AdminPage({
  title,
  description,
  action,
  add,
  toolbar,
  query,
  children,
}: {
  title: string;
  description: ReactNode;
  action?: ReactNode;
  add?: { label: string; onClick: () => void };
  toolbar?: ReactNode;
  query: { isPending: boolean; error: unknown; refetch: () => unknown };
  children: ReactNode;
}) {
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{title}</h1>
          <p className="muted">{description}</p>
        </div>
        {action}
        {add && (
          <button type="button" className="btn btn-primary" onClick={add.onClick}>
            {add.label}
          </button>
        )}
      </div>
      {toolbar}
      <ErrorBanner error={query.error} title={`Cannot load ${title.toLowerCase()}`} onRetry={() => query.refetch()} />
      {query.isPending ? <Loading /> : !query.error && children}
    </div>
  );
}
