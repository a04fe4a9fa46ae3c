/** An integration's connection status as a coloured badge: Connected, Invalid credentials, Not connected. */
import type { IntegrationStatus } from '../../api/integrations.ts';

const LABELS: Record<IntegrationStatus, string> = {
  connected: 'Connected',
  invalid_credentials: 'Invalid credentials',
  not_connected: 'Not connected',
};

export function IntegrationStatusBadge({ status }: { status: IntegrationStatus }) {
  return (
    <span className={`badge integration-${status}`} data-testid="integration-status">
      {LABELS[status]}
    </span>
  );
}
