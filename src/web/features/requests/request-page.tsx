/** /requests/:ref (REQ-42 or the id): the request, its timeline, the composer and the side panel. */
import { useMemo } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../../api/client.ts';
import { useCustomFields, useUsers } from '../../api/catalog.ts';
import { useDestinationName } from '../../api/integrations.ts';
import { useRequest, useUpdateRequest } from '../../api/requests.ts';
import { useMe } from '../../api/session.ts';
import { isStaffRole } from '../../../core/actor.ts';
import type { RequestDetail } from '../../../server/schemas/request.ts';
import { PriorityBadge, StatusBadge } from '../../ui/badges.tsx';
import { useHotkeys } from '../../ui/hotkeys.ts';
import { EmptyState, ErrorBanner, Loading } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { useRequestEscalations, type Escalation } from '../../api/escalations.ts';
import { Composer, type NoteTarget } from './composer.tsx';
import { EditableText } from './editable-text.tsx';
import { requestListHref } from './last-list.ts';
import { SidePanel } from './side-panel.tsx';
import { Timeline } from './timeline.tsx';

export function RequestPage({ reference }: { reference: string }) {
  const request = useRequest(reference);
  const [, navigate] = useLocation();
  useHotkeys({ u: () => navigate(requestListHref()) });

  if (request.isPending) return <Loading label="Loading request…" />;
  if (request.error) {
    if (request.error instanceof ApiError && (request.error.status === 404 || request.error.status === 400)) {
      return (
        <EmptyState title={`Request ${reference} not found`}>
          It does not exist, or you cannot see it. <Link href={requestListHref()}>Back to requests</Link>
        </EmptyState>
      );
    }
    return <ErrorBanner error={request.error} title="Cannot load the request" onRetry={() => request.refetch()} />;
  }
  return <RequestView request={request.data} />;
}

function RequestView({ request }: { request: RequestDetail }) {
  const me = useMe();
  const staff = isStaffRole(me.role);
  const fieldDefs = useCustomFields(staff);
  const users = useUsers({}, { enabled: staff });
  const update = useUpdateRequest(request.id);
  const escalations = useRequestEscalations(request.id, { enabled: staff });
  const destinationName = useDestinationName();
  const noteTargets = useMemo(() => noteTargetsOf(escalations.data ?? [], destinationName), [escalations.data, destinationName]);

  // Names for ids in person fields and the timeline: everyone we know of.
  const people = useMemo(() => {
    const m = new Map<string, string>();
    for (const u of users.data ?? []) m.set(u.id, u.name);
    for (const p of [request.requester, request.assignee, request.createdBy, ...request.followers]) if (p) m.set(p.id, p.name);
    m.set(me.id, me.name);
    return m;
  }, [users.data, request, me]);

  return (
    <div className="request-layout">
      <div className="request-main">
        <nav className="breadcrumbs" aria-label="Breadcrumb">
          <Link href={requestListHref()}>Requests</Link> <span aria-hidden="true">/</span> <span className="mono">{request.key}</span>
        </nav>
        <header className="request-header">
          <EditableText label="Title" value={request.title} canEdit={staff} saving={update.isPending} onSave={(title) => update.mutate({ title })}>
            <h1>
              <span className="request-key mono">{request.key}</span> {request.title}
            </h1>
          </EditableText>
          <div className="request-meta">
            <StatusBadge status={request.status} />
            <PriorityBadge priority={request.priority} />
            <span className="muted">
              {request.requester.name} opened this <RelativeTime iso={request.createdAt} />
            </span>
          </div>
        </header>
        <ErrorBanner error={update.error} title="Not saved" />
        <section className="description card" aria-label="Description">
          <EditableText
            label="Description"
            multiline
            value={request.description}
            canEdit={staff}
            saving={update.isPending}
            onSave={(description) => update.mutate({ description })}
          >
            {request.description.trim() ? <div className="prose">{request.description}</div> : <p className="muted">No description.</p>}
          </EditableText>
        </section>
        <Timeline request={request} fieldDefs={fieldDefs.data ?? []} people={people} />
        <Composer requestId={request.id} staff={staff} requesterName={request.requester.name} noteTargets={noteTargets} />
      </div>
      <SidePanel request={request} fieldDefs={fieldDefs.data ?? []} me={me} staff={staff} people={people} />
    </div>
  );
}

/** The linked conversations a note to the destination can go to, newest escalation first, each conversation once. */
function noteTargetsOf(escalations: Escalation[], destinationName: (id: string) => string): NoteTarget[] {
  const seen = new Set<string>();
  const out: NoteTarget[] = [];
  for (const e of escalations) {
    if (!e.conversationId || e.state === 'failed' || e.state === 'sending' || e.state === 'unlinked' || seen.has(e.conversationId)) continue;
    seen.add(e.conversationId);
    out.push({
      escalationId: e.id,
      conversationId: e.conversationId,
      destination: destinationName(e.destination),
      label: e.target?.name ?? null,
    });
  }
  return out;
}
