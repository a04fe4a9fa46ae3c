/** Shows what a workflow would do for a request, without doing it: which conditions hold and which steps run. */
import { notFound } from '../../core/errors.ts';
import { conditionsHold, ruleHolds } from '../../core/workflow-conditions.ts';
import type { Step, WorkflowDefinition } from '../../core/workflow-definition.ts';
import type { Db } from '../../db/database.ts';
import { loadSnapshot, type RequestSnapshot } from './request-snapshot.ts';

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
      return step.approver.type === 'manager' ? "Approval by the requester's manager" : step.approver.type === 'user' ? 'Approval by a named person' : `Approval by a group (${step.approver.mode === 'any' ? 'any one' : 'all in sequence'})`;
    case 'branch':
      return 'Branch';
    case 'wait':
      return `Wait ${step.minutes} min`;
  }
}

interface DryStep {
  path: string;
  type: string;
  name: string | null;
  summary: string;
  wouldRun: boolean;
  note: string | null;
}

function walk(steps: Step[], prefix: string, snap: RequestSnapshot, reached: boolean, out: DryStep[]) {
  steps.forEach((step, i) => {
    const path = `${prefix}${i}`;
    let note: string | null = null;
    if (step.type === 'approval') {
      note = step.approver.type === 'manager' && !snap.requesterManagerId ? 'The requester has no manager: this step would fail' : 'The run waits here for the decision';
    }
    if (step.type === 'create_conversation') note = 'The run waits here until the conversation is created and linked';
    out.push({ path, type: step.type, name: step.name ?? null, summary: describe(step), wouldRun: reached, note });
    if (step.type === 'branch') {
      const dependsOnRun = step.condition.rules.some((r) => r.subject === 'run');
      const taken = dependsOnRun ? null : conditionsHold({ ...snap.subject, run: {} }, step.condition);
      if (dependsOnRun) out[out.length - 1]!.note = 'Depends on an earlier approval: both paths shown';
      walk(step.then, `${path}.then.`, snap, reached && taken !== false, out);
      walk(step.else, `${path}.else.`, snap, reached && taken !== true, out);
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
  walk(def.steps, '', snap, triggerMatches, steps);
  return { triggerMatches, conditions: def.trigger.conditions.rules.map((rule) => ({ rule, holds: ruleHolds(subject, rule) })), steps };
}
