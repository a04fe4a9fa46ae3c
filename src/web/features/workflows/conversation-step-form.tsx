/**
 * Settings of a "Create Kustomer conversation" step: a queue or team among those enabled for escalation in
 * Settings → Integrations → Kustomer, who works it from the start and its sub-status (as the Escalate form offers
 * them), the channel, the priority (the request's, or 1–5), and the subject and message templates. An example's step
 * may come without a queue: the field asks for one.
 */
import { Link } from 'wouter';
import { useDestinationName, useKustomerIntegration } from '../../api/integrations.ts';
import type { Step } from '../../api/workflows.ts';
import { Field, Input, TextArea, Select } from '../../ui/field.tsx';
import { ErrorBanner, Loading, Notice } from '../../ui/states.tsx';
import { channelLabel, destinationPriorityLabel, KUSTOMER_CHANNELS } from '../escalations/escalation-format.ts';
import { useIssue } from './issues-context.tsx';
import { PlaceholderList } from './placeholder-list.tsx';
import { TargetOptions } from '../../ui/target-options.tsx';
import { AssigneePicker, SubStatusSelect } from '../escalations/escalate-extras.tsx';
import { Options } from '../../ui/choice-options.tsx';

type ConversationStep = Extract<Step, { type: 'create_conversation' }>;

function TargetSelect({ step, onChange, path }: { step: ConversationStep; onChange: (s: ConversationStep) => void; path: string }) {
  const integration = useKustomerIntegration();
  const error = useIssue(`${path}.queueId`, `${path}.teamId`, path);
  if (integration.isPending) return <Loading label="Loading Kustomer queues…" />;
  if (integration.error) return <ErrorBanner error={integration.error} title="Cannot load Kustomer queues" onRetry={() => integration.refetch()} />;
  const { queues, teams, status } = integration.data;
  const enabledQueues = queues.filter((q) => q.enabled);
  const enabledTeams = teams.filter((t) => t.enabled);
  const value = step.queueId ? `queue:${step.queueId}` : step.teamId ? `team:${step.teamId}` : '';
  const known = [...enabledQueues.map((q) => `queue:${q.remoteId}`), ...enabledTeams.map((t) => `team:${t.remoteId}`)];
  const stale = value && !known.includes(value);
  const staleName = [...queues, ...teams].find((t) => value.endsWith(`:${t.remoteId}`))?.name;

  const set = (v: string) => {
    const { queueId: _q, teamId: _t, ...rest } = step;
    if (!v) return onChange(rest);
    const [kind, id] = [v.slice(0, v.indexOf(':')), v.slice(v.indexOf(':') + 1)];
    onChange(kind === 'queue' ? { ...rest, queueId: id } : { ...rest, teamId: id });
  };

  return (
    <>
      {status !== 'connected' && (
        <Notice tone="warning">
          Kustomer is not connected. <Link href="/settings/integrations/kustomer">Connect it</Link> before enabling this workflow.
        </Notice>
      )}
      <Field
        label="Queue or team"
        required
        error={error ?? (stale ? 'Not enabled for escalation any more: choose another' : undefined)}
        hint={
          known.length === 0 ? (
            <>
              No queue or team is enabled. Choose some in <Link href="/settings/integrations/kustomer">Settings → Kustomer</Link>.
            </>
          ) : (
            'Among those enabled for escalation'
          )
        }
      >
        <Select aria-invalid={error || stale ? true : undefined} value={value} onChange={(e) => set(e.target.value)}>
          <option value="">Choose a queue or team…</option>
          {stale && <option value={value}>{staleName ?? value} (not enabled)</option>}
          <TargetOptions queues={enabledQueues} teams={enabledTeams} />
        </Select>
      </Field>
    </>
  );
}

/** Who works the conversation from the start, and its sub-status: one of the destination's people or teams. */
function CreateExtras({ step, onChange, path }: { step: ConversationStep; onChange: (s: ConversationStep) => void; path: string }) {
  const integration = useKustomerIntegration();
  const name = useDestinationName()(step.destination);
  const assigneeError = useIssue(`${path}.assigneeUserId`, `${path}.assigneeTeamId`);
  const subStatusError = useIssue(`${path}.subStatusId`);
  if (!integration.data) return null;
  const destination = { name, assignees: integration.data.assignees, subStatuses: integration.data.subStatuses };
  const value = step.assigneeUserId ? `user:${step.assigneeUserId}` : step.assigneeTeamId ? `team:${step.assigneeTeamId}` : '';
  const setAssignee = (v: string) => {
    const { assigneeUserId: _u, assigneeTeamId: _t, ...rest } = step;
    const id = v.slice(v.indexOf(':') + 1);
    onChange(v.startsWith('user:') ? { ...rest, assigneeUserId: id } : v.startsWith('team:') ? { ...rest, assigneeTeamId: id } : rest);
  };
  const setSubStatus = (v: string) => {
    const { subStatusId: _s, ...rest } = step;
    onChange(v ? { ...rest, subStatusId: v } : rest);
  };
  return (
    <>
      <AssigneePicker destination={destination} value={value} error={assigneeError} onChange={setAssignee} />
      <SubStatusSelect destination={destination} value={step.subStatusId ?? ''} error={subStatusError} onChange={setSubStatus} />
    </>
  );
}

export function ConversationStepForm({ step, onChange, path }: { step: ConversationStep; onChange: (s: ConversationStep) => void; path: string }) {
  const channelError = useIssue(`${path}.channel`);
  const priorityError = useIssue(`${path}.priority`);
  const subjectError = useIssue(`${path}.subject`);
  const messageError = useIssue(`${path}.message`);
  const channels = KUSTOMER_CHANNELS.includes(step.channel) ? KUSTOMER_CHANNELS : [step.channel, ...KUSTOMER_CHANNELS];
  return (
    <div className="stack">
      <div className="grid-2">
        <div className="span-2 stack-tight">
          <TargetSelect step={step} onChange={onChange} path={path} />
        </div>
        <CreateExtras step={step} onChange={onChange} path={path} />
        <Field label="Channel" error={channelError}>
          <Select value={step.channel} onChange={(e) => onChange({ ...step, channel: e.target.value })}>
            <Options values={channels} label={channelLabel} />
          </Select>
        </Field>
        <Field label="Kustomer priority" error={priorityError}>
          <Select
            value={String(step.priority)}
            onChange={(e) => onChange({ ...step, priority: e.target.value === 'from_request' ? 'from_request' : Number(e.target.value) })}
          >
            <option value="from_request">From the request's priority</option>
            <Options values={[1, 2, 3, 4, 5]} label={destinationPriorityLabel} />
          </Select>
        </Field>
      </div>
      <Field label="Subject" required error={subjectError}>
        <Input type="text" value={step.subject} onChange={(e) => onChange({ ...step, subject: e.target.value })} />
      </Field>
      <Field label="Message" error={messageError}>
        <TextArea rows={4} value={step.message} onChange={(e) => onChange({ ...step, message: e.target.value })} />
      </Field>
      <PlaceholderList />
    </div>
  );
}
