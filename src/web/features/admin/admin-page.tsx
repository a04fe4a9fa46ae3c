/** The frame every admin page shares: title, description, the "New …" button, and the list state. */
import type { ReactNode } from 'react';
import { ErrorBanner, Loading } from '../../ui/states.tsx';

export function AdminPage({
  title,
  description,
  action,
  toolbar,
  query,
  children,
}: {
  title: string;
  description: ReactNode;
  action?: ReactNode;
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
      </div>
      {toolbar}
      <ErrorBanner error={query.error} title={`Cannot load ${title.toLowerCase()}`} onRetry={() => query.refetch()} />
      {query.isPending ? <Loading /> : !query.error && children}
    </div>
  );
}
