/**
 * Words for workflows: trigger events and their one-line summary, step types and a step's summary, run and step
 * states, durations. Pure: unit-tested in workflow-format.test.ts.
 */
import type { RunState, RunStepState, Step, StepType, Trigger, TriggerEvent } from '../../api/workflows.ts';
import { durationText } from '../../../core/duration.ts';
import { REMOTE_STATUSES } from '../../api/sync.ts';
import { humanize, plural, priorityLabel, statusLabel } from '../../ui/format.ts';
import { remoteStatusLabel, remoteStatusWord } from '../sync/sync-format.ts';

export { durationText };

export const EVENT_LABELS: Record<TriggerEvent, string> = {
  'request.submitted': 'A request is submitted',
  'request.status_changed': 'The status changes',
  'request.priority_changed': 'The priority changes',
  'request.service_changed': 'The service changes',
  'request.assignee_changed': 'The assignee changes',
  'request.field_changed': 'A custom field changes',
  'request.tag_added': 'A tag is added',
  'request.requester_replied': 'The requester replies',
  'request.agent_replied': 'An agent replies publicly',
  'escalation.state_changed': 'A Kustomer escalation changes state',
  'escalation.failed': 'A Kustomer escalation fails',
  'conversation.status_changed': 'Kustomer conversation status changed',
  'conversation.reply_or_note': 'Kustomer reply or note received',
  'conversation.assignee_changed': 'Kustomer assignee changed',
};
/** Every trigger event the engine knows, in the editor's order (the labels' type makes the list whole). */
export const TRIGGER_EVENTS = Object.keys(EVENT_LABELS) as TriggerEvent[];

/** The trigger menu's groups: what happens on the request, and what Kustomer tells of its linked conversation. */
export const EVENT_GROUPS: { label: string; events: TriggerEvent[] }[] = [
  { label: 'On the request', events: TRIGGER_EVENTS.filter((e) => e.startsWith('request.')) },
  { label: 'In Kustomer', events: TRIGGER_EVENTS.filter((e) => !e.startsWith('request.')) },
];

/** The linked conversation's statuses, in Kustomer's words (the engine's are open, waiting, closed). */
export const CONVERSATION_STATUS_CHOICES = REMOTE_STATUSES.map((s) => ({ value: s, label: remoteStatusLabel(s) }));

export const THREAD_ITEM_CHOICES = [
  { value: 'note', label: 'An internal note' },
  { value: 'message', label: 'A message (either way)' },
  { value: 'message_out', label: 'A reply to the customer' },
  { value: 'message_in', label: 'A message from the customer' },
];
const THREAD_ITEM_WORDS: Record<string, string> = {
  note: 'a Kustomer note is received',
  message: 'a Kustomer message is received',
  message_out: 'a Kustomer agent replies to the customer',
  message_in: 'the customer writes in Kustomer',
};

export const ESCALATION_TRIGGER_STATES = [
  { value: 'created', label: 'Created' },
  { value: 'linked', label: 'Linked' },
  { value: 'link_failed', label: 'Link failed' },
  { value: 'failed', label: 'Failed' },
];

/** What narrows an event, if anything: the key on the trigger and what the editor asks. */
export type Narrowing = {
  key: 'to' | 'field' | 'tag';
  kind: 'status' | 'priority' | 'field' | 'tag' | 'escalation' | 'conversation_status' | 'thread_item';
} | null;

export function narrowingOf(event: TriggerEvent): Narrowing {
  switch (event) {
    case 'request.status_changed':
      return { key: 'to', kind: 'status' };
    case 'request.priority_changed':
      return { key: 'to', kind: 'priority' };
    case 'request.field_changed':
      return { key: 'field', kind: 'field' };
    case 'request.tag_added':
      return { key: 'tag', kind: 'tag' };
    case 'escalation.state_changed':
      return { key: 'to', kind: 'escalation' };
    case 'conversation.status_changed':
      return { key: 'to', kind: 'conversation_status' };
    case 'conversation.reply_or_note':
      return { key: 'to', kind: 'thread_item' };
    default:
      return null;
  }
}

/** The trigger with only the narrowing key its event uses (switching events drops the old one). */
export function withEvent(trigger: Trigger, event: TriggerEvent): Trigger {
  const { to: _to, field: _field, tag: _tag, ...rest } = trigger;
  return { ...rest, event };
}

/** "When tag “vip-customer” is added", "When a request is reopened", "When the status changes to Resolved". */
export function triggerSummary(trigger: Pick<Trigger, 'event' | 'to' | 'field' | 'tag'>, fieldLabel?: (key: string) => string | undefined): string {
  switch (trigger.event) {
    case 'request.status_changed':
      if (trigger.to === 'reopened') return 'When a request is reopened';
      return trigger.to ? `When the status changes to ${statusLabel(trigger.to)}` : 'When the status changes';
    case 'request.priority_changed':
      return trigger.to ? `When the priority changes to ${priorityLabel(trigger.to)}` : 'When the priority changes';
    case 'request.field_changed':
      return trigger.field ? `When “${fieldLabel?.(trigger.field) ?? trigger.field}” changes` : 'When a custom field changes';
    case 'request.tag_added':
      return trigger.tag ? `When tag “${trigger.tag}” is added` : 'When a tag is added';
    case 'escalation.state_changed': {
      const state = ESCALATION_TRIGGER_STATES.find((s) => s.value === trigger.to)?.label;
      return state ? `When a Kustomer escalation becomes ${state.toLowerCase()}` : 'When a Kustomer escalation changes state';
    }
    case 'conversation.status_changed':
      return trigger.to ? `When the Kustomer conversation is marked ${remoteStatusWord(trigger.to)}` : "When the Kustomer conversation's status changes";
    case 'conversation.reply_or_note':
      return `When ${THREAD_ITEM_WORDS[trigger.to ?? ''] ?? 'a Kustomer reply or note is received'}`;
    case 'conversation.assignee_changed':
      return 'When the Kustomer conversation is assigned to someone else';
    case 'escalation.failed':
      return 'When a Kustomer escalation fails';
    default: {
      const label = EVENT_LABELS[trigger.event] as string | undefined;
      return label ? `When ${label.charAt(0).toLowerCase()}${label.slice(1)}` : `When ${humanize(String(trigger.event)).toLowerCase()}`;
    }
  }
}

/** "if 1 condition holds", "if all 3 conditions hold", "if any of 2 conditions holds"; "" without conditions. */
export function conditionsSummary(c: { match: 'all' | 'any'; rules: unknown[] }): string {
  const n = c.rules.length;
  if (n === 0) return '';
  if (n === 1) return 'if 1 condition holds';
  return c.match === 'any' ? `if any of ${n} conditions holds` : `if all ${n} conditions hold`;
}

export const STEP_LABELS: Record<StepType, string> = {
  create_conversation: 'Create Kustomer conversation',
  approval: 'Ask for approval',
  notify: 'Send a notification',
  set_priority: 'Set priority',
  set_status: 'Set status',
  assign: 'Assign',
  add_tag: 'Add tag',
  remove_tag: 'Remove tag',
  add_comment: 'Add a comment',
  branch: 'If / otherwise',
  wait: 'Wait',
  wait_for_reply: "Wait for the requester's reply",
};
export const STEP_TYPES = Object.keys(STEP_LABELS) as StepType[];

export const stepTypeLabel = (type: string): string => STEP_LABELS[type as StepType] ?? humanize(type);

/** The step's own name, else its type in words. */
export const stepTitle = (step: Pick<Step, 'type' | 'name'>): string => step.name?.trim() || stepTypeLabel(step.type);

export interface StepNames {
  target?: (kind: 'queue' | 'team', id: string) => string | undefined;
  /** The destination's person or team a new conversation is assigned to. */
  remoteAssignee?: (kind: 'user' | 'team', id: string) => string | undefined;
  subStatus?: (id: string) => string | undefined;
  person?: (id: string) => string | undefined;
  inbox?: (id: string) => string | undefined;
}

const NOTIFY_TO: Record<string, string> = { requester: 'the requester', assignee: 'the assignee' };

/** One line about what the step does, shown under its title. */
export function stepSummary(step: Step, names: StepNames = {}): string {
  switch (step.type) {
    case 'create_conversation': {
      const target = step.queueId
        ? `queue ${names.target?.('queue', step.queueId) ?? step.queueId}`
        : step.teamId
          ? `team ${names.target?.('team', step.teamId) ?? step.teamId}`
          : null;
      if (!target) return 'No queue or team chosen yet';
      const assignee = step.assigneeUserId
        ? (names.remoteAssignee?.('user', step.assigneeUserId) ?? 'a chosen person')
        : step.assigneeTeamId
          ? `team ${names.remoteAssignee?.('team', step.assigneeTeamId) ?? step.assigneeTeamId}`
          : null;
      const subStatus = step.subStatusId ? (names.subStatus?.(step.subStatusId) ?? step.subStatusId) : null;
      return [`In the ${target}`, assignee && `assigned to ${assignee}`, subStatus && `sub-status ${subStatus}`].filter(Boolean).join(', ');
    }
    case 'approval': {
      const a = step.approver;
      const who =
        a.type === 'manager'
          ? "the requester's manager"
          : a.type === 'user'
            ? (names.person?.(a.userId) ?? 'a named person')
            : `${a.mode === 'any' ? 'any' : 'all'} of ${a.userIds.length} ${plural(a.userIds.length, 'person', 'people')}${a.mode === 'all_in_sequence' ? ', in order' : ''}`;
      return `Approval by ${who}${step.dueInHours ? `, due in ${step.dueInHours} h` : ''}`;
    }
    case 'notify':
      return `To ${step.to === 'email' ? (step.email ?? 'an email address') : (NOTIFY_TO[step.to] ?? step.to)}`;
    case 'set_priority':
      return `To ${priorityLabel(step.priority)}`;
    case 'set_status':
      return `To ${statusLabel(step.status)}`;
    case 'add_tag':
    case 'remove_tag':
      return step.tag ? `“${step.tag}”` : 'No tag yet';
    case 'assign': {
      const parts = [
        step.assigneeId ? `to ${names.person?.(step.assigneeId) ?? 'a person'}` : step.assigneeId === null ? 'unassign' : null,
        step.inboxId ? `inbox ${names.inbox?.(step.inboxId) ?? step.inboxId}` : null,
      ].filter(Boolean);
      return parts.length ? humanize(parts.join(', ')) : 'Nothing chosen yet';
    }
    case 'add_comment':
      return step.visibility === 'public' ? 'Public reply' : 'Internal note';
    case 'branch': {
      const n = step.condition.rules.length;
      return `${n} ${plural(n, 'condition')}: ${step.then.length} then, ${step.else.length} otherwise`;
    }
    case 'wait':
      return `For ${durationText(step.minutes)}`;
    case 'wait_for_reply':
      return `Up to ${durationText(step.minutes)}; ${step.onReply === 'stop' ? 'a reply ends the run' : 'then the next steps run either way'}`;
  }
}

export const RUN_STATE_LABELS: Record<RunState, string> = {
  running: 'Running',
  waiting: 'Waiting',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
export const runStateLabel = (s: string): string => RUN_STATE_LABELS[s as RunState] ?? humanize(s);

const STEP_STATE_LABELS: Record<RunStepState, string> = {
  running: 'Running',
  waiting: 'Waiting',
  succeeded: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};
export const stepStateLabel = (s: string): string => STEP_STATE_LABELS[s as RunStepState] ?? humanize(s);

/** The step at a run or dry-run path ("1.then.0") in a definition's steps; undefined when there is none. */
export function stepAtPath(steps: Step[], path: string): Step | undefined {
  const parts = path.split('.');
  let list: Step[] | undefined = steps;
  let step: Step | undefined;
  for (let i = 0; i < parts.length; i += 1) {
    step = list?.[Number(parts[i])];
    if (!step) return undefined;
    const branch = parts[i + 1];
    if (branch === undefined) break;
    if (step.type !== 'branch' || (branch !== 'then' && branch !== 'else')) return undefined;
    list = step[branch];
    i += 1;
  }
  return step;
}

/** "1.then.0" → "2 › then › 1": the step's position as people count. */
export function pathLabel(path: string): string {
  return path
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? String(Number(p) + 1) : p === 'else' ? 'otherwise' : p))
    .join(' › ');
}

/** "1.2 s", "3 min", "2 h" between two times; null while still going. */
export function elapsed(from: string | null, to: string | null): string | null {
  if (!from || !to) return null;
  const ms = new Date(to).getTime() - new Date(from).getTime();
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
