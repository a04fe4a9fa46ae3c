/**
 * The editor's working copy of a workflow: a fresh definition, new steps with their defaults, stable step ids (React
 * keys that survive moving steps), list moves, and the checks made before saving (the API checks everything again;
 * these only catch what the editor must ask for, e.g. an example's empty queue). Pure: unit-tested.
 */
import type { Conditions, Step, StepType, WorkflowDefinition } from '../../api/workflows.ts';
import { needsValue } from './condition-fields.ts';

export interface Draft {
  name: string;
  description: string;
  definition: WorkflowDefinition;
}

export const emptyConditions = (): Conditions => ({ match: 'all', rules: [] });

export const emptyDefinition = (): WorkflowDefinition => ({ trigger: { event: 'request.submitted', conditions: emptyConditions() }, steps: [] });

let counter = 0;
/** A short id, unique within the page's life: "s1k9f2-3". */
export const newStepId = (): string => `s${Date.now().toString(36).slice(-5)}-${(counter += 1)}`;

/** The destinations GET /integrations offers, as far as a new step needs them. */
export type OfferedDestination = { id: string; status: string };

/** Where a new conversation step sends: the connected destination offered first, else the first offered; '' when none is. */
export const defaultDestination = (offered: OfferedDestination[]): string => (offered.find((d) => d.status === 'connected') ?? offered[0])?.id ?? '';

export function newStep(type: StepType, offered: OfferedDestination[] = []): Step {
  const id = newStepId();
  switch (type) {
    case 'create_conversation':
      return {
        id,
        type,
        destination: defaultDestination(offered),
        channel: 'email',
        priority: 'from_request',
        subject: '{{request.title}}',
        message: '{{request.description}}\n\n{{request.link}}',
      };
    case 'approval':
      return {
        id,
        type,
        approver: { type: 'manager' },
        dueInHours: 48,
        onTimeout: 'reject',
        onReject: 'stop',
        message: 'Please approve {{request.key}}: {{request.title}}',
      };
    case 'notify':
      return { id, type, to: 'requester', subject: 'Update on {{request.key}}', body: 'Hi {{requester.name}},\n\n{{request.link}}' };
    case 'set_priority':
      return { id, type, priority: 'high' };
    case 'set_status':
      return { id, type, status: 'in_progress' };
    case 'add_tag':
    case 'remove_tag':
      return { id, type, tag: '' };
    case 'assign':
      return { id, type };
    case 'add_comment':
      return { id, type, body: '', visibility: 'internal' };
    case 'branch':
      return { id, type, condition: emptyConditions(), then: [], else: [] };
    case 'wait':
      return { id, type, minutes: 60 };
    case 'wait_for_reply':
      return { id, type, minutes: 3 * 24 * 60, onReply: 'stop' };
  }
}

/** Every step (branches included) with an id, keeping the ids it has. Defaults the API would fill are filled too. */
export function withStepIds(steps: Step[]): Step[] {
  return steps.map((s) => {
    const step = s.id ? s : { ...s, id: newStepId() };
    if (step.type === 'approval') return { ...step, onTimeout: step.onTimeout ?? 'reject', onReject: step.onReject ?? 'stop' };
    if (step.type === 'wait_for_reply') return { ...step, onReply: step.onReply ?? 'stop' };
    if (step.type !== 'branch') return step;
    return { ...step, condition: step.condition ?? emptyConditions(), then: withStepIds(step.then ?? []), else: withStepIds(step.else ?? []) };
  });
}

export function prepareDefinition(def: WorkflowDefinition): WorkflowDefinition {
  const trigger = { ...def.trigger, conditions: def.trigger.conditions ?? emptyConditions() };
  return { trigger, steps: withStepIds(def.steps ?? []) };
}

/** Moves the item at `from` by `by` places (−1 up, +1 down); out of range changes nothing. */
export function move<T>(list: T[], from: number, by: number): T[] {
  const to = from + by;
  if (from < 0 || from >= list.length || to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

const blank = (s: string | undefined | null) => !s || !s.trim();

/** A rule that compares with nothing ("is" and an empty value) is a rule left half-made. */
function checkConditions(c: Conditions | undefined, path: string, out: Record<string, string>) {
  (c?.rules ?? []).forEach((rule, i) => {
    if (!needsValue(rule.op)) return;
    const v = rule.value;
    if (v === undefined || v === null || (typeof v === 'string' && !v.trim()) || (Array.isArray(v) && v.length === 0))
      out[`${path}.rules.${i}.value`] = 'Choose a value';
  });
}

function checkSteps(steps: Step[], path: string, out: Record<string, string>) {
  steps.forEach((step, i) => {
    const at = `${path}.${i}`;
    switch (step.type) {
      case 'create_conversation':
        if (blank(step.destination)) out[at] = 'No destination is offered: connect Kustomer in Settings → Integrations first';
        if (blank(step.queueId) && blank(step.teamId)) out[`${at}.queueId`] = 'Choose a Kustomer queue or team';
        if (blank(step.subject)) out[`${at}.subject`] = 'Write a subject';
        break;
      case 'approval':
        if (step.approver.type === 'user' && blank(step.approver.userId)) out[`${at}.approver.userId`] = 'Choose the approver';
        if (step.approver.type === 'group' && step.approver.userIds.length === 0) out[`${at}.approver.userIds`] = 'Add at least one approver';
        break;
      case 'notify':
        if (step.to === 'email' && blank(step.email)) out[`${at}.email`] = 'Enter the email address';
        if (blank(step.subject)) out[`${at}.subject`] = 'Write a subject';
        if (blank(step.body)) out[`${at}.body`] = 'Write the message';
        break;
      case 'add_tag':
      case 'remove_tag':
        if (blank(step.tag)) out[`${at}.tag`] = 'Enter a tag';
        break;
      case 'add_comment':
        if (blank(step.body)) out[`${at}.body`] = 'Write the comment';
        break;
      case 'branch':
        checkConditions(step.condition, `${at}.condition`, out);
        checkSteps(step.then, `${at}.then`, out);
        checkSteps(step.else, `${at}.else`, out);
        break;
      default:
        break;
    }
  });
}

/** Problems by path, in the API's path style ("definition.steps.1.queueId"); empty when the draft can be sent. */
export function checkDraft(draft: Draft): Record<string, string> {
  const out: Record<string, string> = {};
  if (blank(draft.name)) out.name = 'Give the workflow a name';
  const t = draft.definition.trigger;
  if (t.event === 'request.tag_added' && blank(t.tag)) out['definition.trigger.tag'] = 'Enter the tag';
  checkConditions(t.conditions, 'definition.trigger.conditions', out);
  if (draft.definition.steps.length === 0) out['definition.steps'] = 'Add at least one step';
  checkSteps(draft.definition.steps, 'definition.steps', out);
  return out;
}

/** What is sent: names trimmed, empty optional texts left out. */
export function draftInput(draft: Draft): Draft {
  return { name: draft.name.trim(), description: draft.description.trim(), definition: draft.definition };
}

/**
 * A draft from a shipped example. The "Customer escalation" example comes without its service (it is the
 * installation's own): the service named like it is filled in when there is one, else an empty service rule asks.
 */
export function draftFromTemplate(
  t: { key: string; name: string; description: string; definition: WorkflowDefinition },
  services: { id: string; name: string }[],
): Draft {
  const definition = prepareDefinition(t.definition);
  if (t.key === 'customer-escalation' && definition.trigger.conditions.rules.length === 0) {
    const service = services.find((s) => s.name.trim().toLowerCase() === 'customer escalation');
    definition.trigger = {
      ...definition.trigger,
      conditions: { match: 'all', rules: [{ subject: 'request', field: 'service', op: 'equals', value: service?.id ?? '' }] },
    };
  }
  return { name: t.name, description: t.description, definition };
}
