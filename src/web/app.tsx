/** The sign-in gate and the routes. */
import { lazy, type ReactNode, Suspense } from 'react';
import { Link, Redirect, Route, Switch } from 'wouter';
import { useLiveChanges } from './api/live-changes.ts';
import { MeContext, useSession, useSetupStatus } from './api/session.ts';
import { LoginPage } from './features/auth/login-page.tsx';
import { SetupPage } from './features/auth/setup-page.tsx';
import { AppShell } from './features/layout/app-shell.tsx';
import { NewRequestPage } from './features/requests/new-request-page.tsx';
import { RequestListPage } from './features/requests/request-list-page.tsx';
import { RequestPage } from './features/requests/request-page.tsx';
import { EmptyState, ErrorBanner, Loading } from './ui/states.tsx';

// Admin, settings, workflow and approval pages load on first visit: the request list and a request load first.
const CustomFieldsPage = lazy(() => import('./features/admin/custom-fields-page.tsx').then((m) => ({ default: m.CustomFieldsPage })));
const InboxesPage = lazy(() => import('./features/admin/inboxes-page.tsx').then((m) => ({ default: m.InboxesPage })));
const OutboxPage = lazy(() => import('./features/admin/outbox-page.tsx').then((m) => ({ default: m.OutboxPage })));
const ServicesPage = lazy(() => import('./features/admin/services-page.tsx').then((m) => ({ default: m.ServicesPage })));
const UsersPage = lazy(() => import('./features/admin/users-page.tsx').then((m) => ({ default: m.UsersPage })));
const ApprovalsPage = lazy(() => import('./features/approvals/approvals-page.tsx').then((m) => ({ default: m.ApprovalsPage })));
const ApiTokensPage = lazy(() => import('./features/settings/api-tokens-page.tsx').then((m) => ({ default: m.ApiTokensPage })));
const IntegrationsPage = lazy(() => import('./features/settings/integrations-page.tsx').then((m) => ({ default: m.IntegrationsPage })));
const IntegrationSettingsPage = lazy(() => import('./features/settings/integration-settings-page.tsx').then((m) => ({ default: m.IntegrationSettingsPage })));
const WorkflowEditorPage = lazy(() => import('./features/workflows/workflow-editor-page.tsx').then((m) => ({ default: m.WorkflowEditorPage })));
const WorkflowListPage = lazy(() => import('./features/workflows/workflow-list-page.tsx').then((m) => ({ default: m.WorkflowListPage })));

export function App() {
  const setup = useSetupStatus();
  const session = useSession();
  useLiveChanges(!!session.data);
  if (session.isPending || (setup.isPending && !session.data)) {
    return (
      <div className="center-page">
        <Loading />
      </div>
    );
  }
  if (session.error) {
    return (
      <div className="center-page">
        <ErrorBanner error={session.error} title="Cannot load your session" onRetry={() => session.refetch()} />
      </div>
    );
  }
  if (!session.data) return setup.data?.needsAdmin ? <SetupPage /> : <LoginPage />;
  const isAdmin = session.data.user.role === 'admin';
  const adminOnly = (page: ReactNode) => (isAdmin ? page : <EmptyState title="Admins only">Ask an admin if you need this page.</EmptyState>);

  return (
    <MeContext.Provider value={session.data.user}>
      <AppShell>
        <Suspense fallback={<Loading />}>
          <Switch>
            <Route path="/">
              <Redirect to="/requests" replace />
            </Route>
            <Route path="/login">
              <Redirect to="/requests" replace />
            </Route>
            <Route path="/setup">
              <Redirect to="/requests" replace />
            </Route>
            <Route path="/requests" component={RequestListPage} />
            <Route path="/requests/new" component={NewRequestPage} />
            <Route path="/requests/:ref">{(params) => <RequestPage key={params.ref} reference={params.ref} />}</Route>
            <Route path="/admin">
              <Redirect to="/admin/users" replace />
            </Route>
            <Route path="/admin/users">{adminOnly(<UsersPage />)}</Route>
            <Route path="/admin/services">{adminOnly(<ServicesPage />)}</Route>
            <Route path="/admin/inboxes">{adminOnly(<InboxesPage />)}</Route>
            <Route path="/admin/custom-fields">{adminOnly(<CustomFieldsPage />)}</Route>
            <Route path="/admin/outbox">{adminOnly(<OutboxPage />)}</Route>
            <Route path="/approvals" component={ApprovalsPage} />
            <Route path="/workflows">{adminOnly(<WorkflowListPage />)}</Route>
            <Route path="/workflows/new">{adminOnly(<WorkflowEditorPage />)}</Route>
            <Route path="/workflows/:id/:tab?">
              {(params) => adminOnly(<WorkflowEditorPage id={params.id} tab={params.tab === 'runs' ? 'runs' : 'definition'} />)}
            </Route>
            <Route path="/settings">
              <Redirect to="/settings/api-tokens" replace />
            </Route>
            <Route path="/settings/api-tokens" component={ApiTokensPage} />
            <Route path="/settings/integrations">{adminOnly(<IntegrationsPage />)}</Route>
            <Route path="/settings/integrations/:provider">{(params) => adminOnly(<IntegrationSettingsPage provider={params.provider} />)}</Route>
            <Route>
              <EmptyState title="Page not found">
                <Link href="/requests">Go to requests</Link>
              </EmptyState>
            </Route>
          </Switch>
        </Suspense>
      </AppShell>
    </MeContext.Provider>
  );
}
