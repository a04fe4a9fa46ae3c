/** Names for the ids steps hold (Kustomer queues and teams, people, inboxes), from the cached lists. */
import { useInboxes, useUsers } from '../../api/catalog.ts';
import { useKustomerIntegration } from '../../api/integrations.ts';
import type { StepNames } from './workflow-format.ts';

export function useStepNames(): StepNames {
  const integration = useKustomerIntegration();
  const people = useUsers({ active: true });
  const inboxes = useInboxes();
  return {
    target: (kind, id) => integration.data?.[kind === 'queue' ? 'queues' : 'teams'].find((t) => t.remoteId === id)?.name,
    remoteAssignee: (kind, id) => integration.data?.assignees[kind === 'user' ? 'users' : 'teams'].find((a) => a.id === id)?.name,
    subStatus: (id) => integration.data?.subStatuses.find((x) => x.id === id)?.name,
    person: (id) => people.data?.find((u) => u.id === id)?.name,
    inbox: (id) => inboxes.data?.find((i) => i.id === id)?.name,
  };
}
