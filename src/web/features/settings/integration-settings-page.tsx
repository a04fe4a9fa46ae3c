/**
 * Settings → Integrations → one destination (admins): the destination's own settings, one component per provider
 * id, loaded on first visit. A destination without one here has no page.
 */
import { type ComponentType, lazy } from 'react';
import { Link } from 'wouter';
import { EmptyState } from '../../ui/states.tsx';

const SETTINGS: Record<string, ComponentType> = {
  kustomer: lazy(() => import('./kustomer-settings-page.tsx').then((m) => ({ default: m.KustomerSettingsPage }))),
  'test-desk': lazy(() => import('./test-desk-settings-page.tsx').then((m) => ({ default: m.TestDeskSettingsPage }))),
};

export function IntegrationSettingsPage({ provider }: { provider: string }) {
  const Page = Object.hasOwn(SETTINGS, provider) ? SETTINGS[provider] : undefined;
  if (Page) return <Page />;
  return (
    <EmptyState title="Page not found">
      <Link href="/settings/integrations">Go to integrations</Link>
    </EmptyState>
  );
}
