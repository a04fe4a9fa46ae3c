/**
 * The request's side panel: actions (an action that cannot be used now is shown disabled with the reason), the work
 * the request waits on (pending approvals, workflow runs), its escalations, then every property. Staff edit inline
 * (each change is one PATCH, then the request and its timeline refresh); requesters see the values and can resolve
 * or reopen.
 */
import { type ReactNode, useId } from 'react';
import { Link } from 'wouter';
import { useInboxes, useServices, useUsers } from '../../api/catalog.ts';
import { type RequestPatch, useSetFollowing, useUpdateRequest } from '../../api/requests.ts';
import type { Priority } from '../../../core/request.ts';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import type { FieldValue, RequestDetail } from '../../../server/schemas/request.ts';
import type { User } from '../../../server/schemas/user.ts';
import { PriorityBadge, StatusBadge } from '../../ui/badges.tsx';
import { Field, FieldText, Select } from '../../ui/field.tsx';
import { humanize } from '../../ui/format.ts';
import { useHotkeys } from '../../ui/hotkeys.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { TagInput } from '../../ui/tag-input.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { UserPicker } from '../../ui/user-picker.tsx';
import { useEscalationOptions } from '../../api/escalations.ts';
import { RequestApprovals } from '../approvals/request-approvals.tsx';
import { EscalateButton } from '../escalations/escalate-dialog.tsx';
import { EscalationsSection } from '../escalations/escalation-list.tsx';
import { preferredDestination } from '../escalations/destination-choice.ts';
import { RequestWorkflowRuns } from '../workflows/request-workflow-runs.tsx';
import { assignToMeUnavailable, escalateUnavailable, reopenUnavailable, type Unavailable } from './action-availability.ts';
import { applicableFields } from './custom-field-values.ts';
import { InlineCustomField } from './inline-custom-field.tsx';
import { formatFieldValue } from './timeline-format.ts';
import { StatusSelect } from './status-select.tsx';
import { NamedOptions, PriorityOptions } from '../../ui/choice-options.tsx';

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="panel-section" aria-label={title} data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** A select listing `options`, plus the current value when it is not among them (e.g. the list failed to load). */
function RefSelect({
  value,
  current,
  options,
  emptyLabel,
  disabled,
  onChange,
}: {
  value: string;
  current: { id: string; name: string } | null;
  options: { id: string; name: string }[];
  emptyLabel: string;
  disabled?: boolean;
  onChange: (id: string | null) => void;
}) {
  const all = current && !options.some((o) => o.id === current.id) ? [current, ...options] : options;
  return (
    <Select value={value} disabled={disabled} onChange={(e) => onChange(e.target.value || null)}>
      <option value="">{emptyLabel}</option>
      <NamedOptions items={all} />
    </Select>
  );
}

/** An action that cannot be used now: the button, disabled, and why (with the way out). */
function UnavailableAction({ label, why }: { label: string; why: Unavailable }) {
  const id = useId();
  return (
    <div className="action-unavailable" data-testid="action-unavailable">
      <button type="button" className="btn btn-small" disabled aria-describedby={id}>
        {label}
      </button>
      <span id={id} className="muted small">
        {why.reason}
        {why.hint && (
          <>
            {'. '}
            {why.href ? <Link href={why.href}>{why.hint}</Link> : why.hint}
          </>
        )}
      </span>
    </div>
  );
}

export function SidePanel({
  request,
  fieldDefs,
  me,
  staff,
  people,
}: {
  request: RequestDetail;
  fieldDefs: CustomField[];
  me: User;
  staff: boolean;
  people: Map<string, string>;
}) {
  const update = useUpdateRequest(request.id);
  const follow = useSetFollowing(request.id);
  const users = useUsers({ active: true }, { enabled: staff });
  const inboxes = useInboxes({ enabled: staff });
  const services = useServices();
  const pending = update.isPending ? (update.variables ?? {}) : {};
  const saving = (key: keyof RequestPatch) => key in pending;
  /** While a change is saving, show the value being saved (optimistic); a failure falls back to the stored one. */
  const shown = <K extends keyof RequestPatch>(key: K, stored: RequestPatch[K]): RequestPatch[K] => (key in pending ? pending[key] : stored);
  const change = (patch: RequestPatch) => update.mutate(patch);

  const assignedToMe = request.assignee?.id === me.id;
  const closed = request.status === 'resolved' || request.status === 'archived';
  const following = request.followers.some((f) => f.id === me.id);
  const agents = (users.data ?? []).filter((u) => u.role !== 'requester');
  const assignToMe = () => !assignedToMe && change({ assigneeId: me.id });
  const assignToMeWhy = assignToMeUnavailable(assignedToMe);
  const reopenWhy = reopenUnavailable(request.status, staff);
  // Whether Kustomer can take an escalation: the escalation options say (the same query the Escalate dialog reads).
  const escalation = useEscalationOptions(request.id, staff);
  const destination = escalation.data && preferredDestination(escalation.data.destinations);
  const escalateWhy = staff && escalation.data ? escalateUnavailable(destination, me.role === 'admin') : null;
  useHotkeys(staff ? { a: assignToMe } : {});

  // Fields that apply to the request's service, and any others that still hold a value.
  const shownFields = [
    ...applicableFields(fieldDefs, request.service?.id ?? null),
    ...fieldDefs.filter((f) => request.customFields[f.key] !== undefined && !applicableFields(fieldDefs, request.service?.id ?? null).includes(f)),
  ];
  const orphanKeys = Object.keys(request.customFields).filter((k) => !fieldDefs.some((f) => f.key === k));
  const display = (f: { type?: CustomField['type'] }, v: FieldValue | undefined) =>
    formatFieldValue(v, f.type, { personName: (id) => (id === me.id ? me.name : people.get(id)) }) ?? <span className="muted">—</span>;

  return (
    <aside className="side-panel" data-testid="side-panel" aria-label="Request details">
      <ErrorBanner error={update.error ?? follow.error} title="Not saved" />

      {/* Actions: one-click work on this request; one that cannot be used now says why. */}
      <Section title="Actions" testId="side-panel-actions">
        <div className="action-buttons">
          {staff && !assignedToMe && (
            <button type="button" className="btn btn-small" disabled={saving('assigneeId')} onClick={assignToMe} title="Assign to me (a)">
              Assign to me
            </button>
          )}
          {!closed && (
            <button type="button" className="btn btn-small" disabled={saving('status')} onClick={() => change({ status: 'resolved' })}>
              Resolve
            </button>
          )}
          {(request.status === 'resolved' || (staff && request.status === 'archived')) && (
            <button type="button" className="btn btn-small" disabled={saving('status')} onClick={() => change({ status: staff ? 'in_progress' : 'new' })}>
              Reopen
            </button>
          )}
          {staff && !escalateWhy && <EscalateButton request={request} />}
        </div>
        {escalateWhy && <UnavailableAction label="Escalate ticket" why={escalateWhy} />}
        {staff && assignToMeWhy && <UnavailableAction label="Assign to me" why={assignToMeWhy} />}
        {reopenWhy && <UnavailableAction label="Reopen" why={reopenWhy} />}
      </Section>

      <RequestApprovals requestId={request.id} meId={me.id} staff={staff} />
      <RequestWorkflowRuns requestId={request.id} />
      {staff && <EscalationsSection requestId={request.id} requestStatus={request.status} />}

      <Section title="Properties">
        <div className="props">
          <Field label="Status">
            {staff ? (
              <StatusSelect requestId={request.id} value={shown('status', request.status)!} disabled={saving('status')} onChange={change} />
            ) : (
              <FieldText>
                <StatusBadge status={request.status} />
              </FieldText>
            )}
          </Field>
          <Field label="Priority">
            {staff ? (
              <Select
                value={shown('priority', request.priority)}
                disabled={saving('priority')}
                onChange={(e) => change({ priority: e.target.value as Priority })}
              >
                <PriorityOptions />
              </Select>
            ) : (
              <FieldText>
                <PriorityBadge priority={request.priority} />
              </FieldText>
            )}
          </Field>
          <Field label="Assignee">
            {staff ? (
              <RefSelect
                value={shown('assigneeId', request.assignee?.id ?? null) ?? ''}
                current={request.assignee}
                options={agents}
                emptyLabel="Unassigned"
                disabled={saving('assigneeId')}
                onChange={(v) => change({ assigneeId: v })}
              />
            ) : (
              <FieldText>{request.assignee?.name ?? <span className="muted">Unassigned</span>}</FieldText>
            )}
          </Field>
          {staff && (
            <Field label="Inbox">
              <RefSelect
                value={shown('inboxId', request.inbox?.id ?? null) ?? ''}
                current={request.inbox}
                options={inboxes.data ?? []}
                emptyLabel="No inbox"
                disabled={saving('inboxId')}
                onChange={(v) => change({ inboxId: v })}
              />
            </Field>
          )}
          <Field label="Service">
            {staff ? (
              <RefSelect
                value={shown('serviceId', request.service?.id ?? null) ?? ''}
                current={request.service}
                options={(services.data ?? []).filter((s) => s.active)}
                emptyLabel="No service"
                disabled={saving('serviceId')}
                onChange={(v) => change({ serviceId: v })}
              />
            ) : (
              <FieldText>{request.service?.name ?? <span className="muted">—</span>}</FieldText>
            )}
          </Field>
          <Field label="Tags">
            {(id) =>
              staff ? (
                <TagInput id={id} value={shown('tags', request.tags) ?? []} disabled={saving('tags')} onChange={(tags) => change({ tags })} />
              ) : (
                <div id={id} className="tag-list">
                  {request.tags.length ? (
                    request.tags.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))
                  ) : (
                    <span className="muted">—</span>
                  )}
                </div>
              )
            }
          </Field>
        </div>
      </Section>

      {(shownFields.length > 0 || orphanKeys.length > 0) && (
        <Section title="Fields">
          <div className="props">
            {shownFields.map((f) => (
              <Field key={f.id} label={f.label} required={f.required}>
                {(id, d) =>
                  staff ? (
                    <InlineCustomField
                      id={id}
                      describedBy={d}
                      field={f}
                      me={me}
                      value={request.customFields[f.key]}
                      disabled={saving('customFields')}
                      personLabel={typeof request.customFields[f.key] === 'string' ? people.get(request.customFields[f.key] as string) : null}
                      onSave={(v) => change({ customFields: { [f.key]: v } })}
                    />
                  ) : (
                    <div id={id}>{display(f, request.customFields[f.key])}</div>
                  )
                }
              </Field>
            ))}
            {orphanKeys.map((k) => (
              <Field key={k} label={humanize(k)}>
                <FieldText>{display({}, request.customFields[k])}</FieldText>
              </Field>
            ))}
          </div>
        </Section>
      )}

      <Section title="Followers">
        <ul className="follower-list">
          {request.followers.length === 0 && <li className="muted">No followers</li>}
          {request.followers.map((f) => (
            <li key={f.id}>
              <span>
                {f.name}
                {f.id === me.id && <span className="muted"> (you)</span>}
              </span>
              {staff && f.id !== me.id && (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Remove ${f.name} from followers`}
                  disabled={follow.isPending}
                  onClick={() => follow.mutate({ userId: f.id, follow: false })}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
        <div className="action-buttons">
          <button type="button" className="btn btn-small" disabled={follow.isPending} onClick={() => follow.mutate({ userId: me.id, follow: !following })}>
            {following ? 'Unfollow' : 'Follow'}
          </button>
        </div>
        {staff && (
          <Field label="Add a follower">
            {(id) => <UserPicker id={id} value={null} placeholder="Search people…" onChange={(userId) => userId && follow.mutate({ userId, follow: true })} />}
          </Field>
        )}
      </Section>

      <Section title="Info">
        <dl className="info">
          <dt>Requester</dt>
          <dd>
            {request.requester.name}
            <div className="muted small">{request.requester.email}</div>
          </dd>
          {request.createdBy && request.createdBy.id !== request.requester.id && (
            <>
              <dt>Filed by</dt>
              <dd>{request.createdBy.name}</dd>
            </>
          )}
          <dt>Created</dt>
          <dd>
            <RelativeTime iso={request.createdAt} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <RelativeTime iso={request.updatedAt} />
          </dd>
          {request.resolvedAt && (
            <>
              <dt>Resolved</dt>
              <dd>
                <RelativeTime iso={request.resolvedAt} />
              </dd>
            </>
          )}
          <dt>Channel</dt>
          <dd>{humanize(request.channel)}</dd>
        </dl>
      </Section>
    </aside>
  );
}
