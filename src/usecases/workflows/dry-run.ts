/** Shows what a workflow would do for a request, without doing it: which conditions hold and which steps run. */
import { notFound } from '../../core/errors.ts';
import { conditionsHold, ruleHolds } from '../../core/workflow-conditions.ts';
import { forEachStep, type Step, type WorkflowDefinition } from '../../core/workflow-definition.ts';
import type { Db } from '../../db/database.ts';
import { renderTemplate } from '../../core/workflow-template.ts';
import { durationText } from '../../core/duration.ts';
import { loadSnapshot, type RequestSnapshot } from './request-snapshot.ts';
import { approversOf } from './approval-step.ts';

function describe(step: Step): string {
  switch (step.type) {
    case 'create_conversation':
      return `Create Kustomer conversation (${step.queueId ? 'queue' : 'team'} ${step.queueId ?? step.teamId}, ${step.channel})`;
    case 'set_priority':
      return `Set priority to ${step.priority}`;
    case 'set_status':
      return `Set status to ${step.status}`;
    case 'add_tag':
      return `Add tag ${step.tag}`;
    case 'remove_tag':
      return `Remove tag ${step.tag}`;
    case 'assign':
      return 'Assign';
    case 'add_comment':
      return step.visibility === 'internal' ? 'Add an internal note' : 'Reply to the requester';
    case 'notify':
      return `Notify ${step.to === 'email' ? step.email : step.to}`;
    case 'approval':
      return step.approver.type === 'manager'
        ? "Approval by the requester's manager"
        : step.approver.type === 'user'
          ? 'Approval by a named person'
          : `Approval by a group (${step.approver.mode === 'any' ? 'any one' : 'all in sequence'})`;
    case 'branch':
      return 'Branch';
    case 'wait':
      return `Wait ${step.minutes} min`;
    case 'wait_for_reply':
      return `Wait up to ${durationText(step.minutes)} for the requester's reply${step.onReply === 'stop' ? ' (a reply ends the run)' : ''}`;
  }
}

interface DryStep {
  path: string;
  type: string;
  name: string | null;
  summary: string;
  wouldRun: boolean;
  note: string | null;
  /** An approval's approvers by name, in the order they would be asked; null for other steps. */
  approvers: string[] | null;
  /** What the step would send or write, rendered for this request; null when it sends nothing. */
  message: { to: string | null; subject: string | null; body: string } | null;
}

type People = Map<string, { name: string; email: string; active: boolean }>;

function approvalNote(step: Extract<Step, { type: 'approval' }>, snap: RequestSnapshot, people: People): string {
  if (step.approver.type === 'manager' && !snap.requesterManagerId) return `${snap.requesterName} has no manager: this step would fail`;
  const ids = approversOf(step, snap);
  if (ids.some((id) => !people.get(id)?.active)) return 'An approver no longer exists or is deactivated: this step would fail';
  const names = ids.map((id) => people.get(id)!.name);
  const who =
    step.approver.type === 'group' && step.approver.mode === 'all_in_sequence'
      ? `${names.join(', then ')}, in turn`
      : names.length > 1
        ? `any one of ${names.join(', ')}`
        : names[0];
  return `Asks ${who}; the run waits here for the decision${step.dueInHours ? ` (due in ${step.dueInHours} h)` : ''}`;
}

function renderedMessage(step: Step, snap: RequestSnapshot, render: (t: string) => string, people: People, assigneeName: string | null): DryStep['message'] {
  switch (step.type) {
    case 'approval': {
      const to =
        approversOf(step, snap)
          .map((id) => people.get(id)?.name)
          .filter(Boolean)
          .join(', ') || null;
      // as askApprover words it
      return {
        to,
        subject: `Approval needed: ${snap.key} ${snap.values['request.title']}`,
        body: step.message ? render(step.message) : 'A workflow is waiting for your approval.',
      };
    }
    case 'notify': {
      const to =
        step.to === 'email'
          ? (step.email ?? null)
          : step.to === 'requester'
            ? `${snap.requesterName} <${snap.requesterEmail}>`
            : (assigneeName ?? 'the assignee (none yet: nobody would be told)');
      return { to, subject: render(step.subject), body: render(step.body) };
    }
    case 'create_conversation':
      return { to: null, subject: render(step.subject), body: render(step.message) };
    case 'add_comment':
      return { to: step.visibility === 'public' ? `${snap.requesterName} (public reply)` : 'Agents (internal note)', subject: null, body: render(step.body) };
    default:
      return null;
  }
}

function walk(
  steps: Step[],
  prefix: string,
  snap: RequestSnapshot,
  reached: boolean,
  out: DryStep[],
  ctx: { people: People; render: (t: string) => string; assigneeName: string | null },
) {
  steps.forEach((step, i) => {
    const path = `${prefix}${i}`;
    let note: string | null = null;
    if (step.type === 'approval') note = approvalNote(step, snap, ctx.people);
    if (step.type === 'create_conversation') note = 'The run waits here until the conversation is created and linked';
    if (step.type === 'wait_for_reply') note = `The run waits here until the requester replies publicly, at most ${durationText(step.minutes)}`;
    const approvers = step.type === 'approval' ? approversOf(step, snap).map((id) => ctx.people.get(id)?.name ?? 'an unknown person') : null;
    out.push({
      path,
      type: step.type,
      name: step.name ?? null,
      summary: describe(step),
      wouldRun: reached,
      note,
      approvers,
      message: renderedMessage(step, snap, ctx.render, ctx.people, ctx.assigneeName),
    });
    if (step.type === 'branch') {
      const dependsOnRun = step.condition.rules.some((r) => r.subject === 'run');
      const taken = dependsOnRun ? null : conditionsHold({ ...snap.subject, run: {} }, step.condition);
      if (dependsOnRun) out[out.length - 1]!.note = 'Depends on an earlier step (an approval, a reply wait): both paths shown';
      walk(step.then, `${path}.then.`, snap, reached && taken !== false, out, ctx);
      walk(step.else, `${path}.else.`, snap, reached && taken !== true, out, ctx);
    }
  });
}

export async function dryRun(db: Db, publicUrl: string, workflowId: string, requestId: string) {
  const wf = await db
    .selectFrom('workflows as w')
    .innerJoin('workflow_versions as v', 'v.id', 'w.current_version_id')
    .select(['v.definition'])
    .where('w.id', '=', workflowId)
    .executeTakeFirst();
  if (!wf) throw notFound('Workflow');
  const snap = await loadSnapshot(db, requestId, publicUrl);
  if (!snap) throw notFound('Request');
  const def = wf.definition as WorkflowDefinition;
  const subject = { ...snap.subject, run: {} };
  const triggerMatches = conditionsHold(subject, def.trigger.conditions);
  const steps: DryStep[] = [];
  // Everyone the steps could name: approvers (manager, person, group) and the assignee.
  const ids = new Set<string>([snap.requesterManagerId, snap.assigneeId].filter((x): x is string => !!x));
  forEachStep(def.steps, (s) => {
    if (s.type === 'approval') approversOf(s, snap).forEach((id) => ids.add(id));
  });
  const rows = ids.size
    ? await db
        .selectFrom('users')
        .select(['id', 'name', 'email', 'active'])
        .where('id', 'in', [...ids])
        .execute()
    : [];
  const people: People = new Map(rows.map((u) => [u.id, { name: u.name, email: u.email, active: u.active }]));
  const render = (t: string) => renderTemplate(t, snap.values);
  walk(def.steps, '', snap, triggerMatches, steps, { people, render, assigneeName: snap.assigneeId ? (people.get(snap.assigneeId)?.name ?? null) : null });
  return { triggerMatches, conditions: def.trigger.conditions.rules.map((rule) => ({ rule, holds: ruleHolds(subject, rule) })), steps };
}
