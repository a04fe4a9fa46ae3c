/**
 * Timeline words for workflow.* entries. `formatWorkflowEntry` returns what follows the actor's name on the line
 * (the actor is Bridgedesk for most, the approver for a decision, the person retrying for a retry), e.g.
 * "Bridgedesk" + "started workflow “Specialist handoff”", "Mo Manager" + "approved (workflow “Specialist handoff”) — “Go ahead”".
 * null for anything that is not a workflow entry it knows. Pure: unit-tested in workflow-timeline-format.test.ts.
 */
import type { TimelineEntry } from '../../../server/schemas/request.ts';
import { priorityLabel, statusLabel } from '../../ui/format.ts';
import { stepTypeLabel } from './workflow-format.ts';

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

const workflow = (d: Data) => `workflow “${str(d.workflowName) ?? 'unnamed'}”`;

function stepName(step: unknown): string | null {
  if (!step || typeof step !== 'object') return str(step);
  const s = step as { name?: unknown; type?: unknown };
  return str(s.name) ?? (str(s.type) ? stepTypeLabel(String(s.type)) : null);
}

/** "Alex", "Alex or Sam", "Alex, Sam or Kim": anyone of them may decide. */
function orWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const withDetail = (text: string, detail: string | null) => (detail ? `${text} — ${detail}` : text);

/**
 * A step's summary as the worker wrote it, in people's words: raw values become labels ("set priority to high" →
 * "set priority to High"), an approval's "approval approved" becomes "approved". Ids stay (the timeline shows them
 * like every conversation id).
 */
export function stepSummaryWords(summary: string | null): string | null {
  if (!summary) return null;
  const approval = /^approval (approved|rejected)$/.exec(summary);
  if (approval) return approval[1]!;
  const priority = /^set priority to (\w+)$/.exec(summary);
  if (priority) return `set priority to ${priorityLabel(priority[1])}`;
  const status = /^set status to ([\w ]+)$/.exec(summary);
  if (status) return `set status to ${statusLabel(status[1]!.replace(/ /g, '_'))}`;
  const branch = /^branch: took "(yes|no)"$/.exec(summary);
  if (branch) return `took the “${branch[1] === 'yes' ? 'then' : 'otherwise'}” branch`;
  return summary;
}

export function formatWorkflowEntry(entry: Pick<TimelineEntry, 'type' | 'data'>): string | null {
  const d = entry.data ?? {};
  switch (entry.type) {
    case 'workflow.started':
      return `started ${workflow(d)}`;
    case 'workflow.step_done': {
      const name = stepName(d.step);
      return withDetail(`ran ${name ? `step “${name}” of ` : 'a step of '}${workflow(d)}`, stepSummaryWords(str(d.summary)));
    }
    case 'workflow.waiting_approval': {
      const approvers = strings(d.approvers);
      const who = approvers.length === 0 ? 'the approver' : d.mode === 'sequence' ? approvers[0]! : orWords(approvers);
      return `asked ${who} for approval (${workflow(d)})`;
    }
    case 'workflow.approval_decided': {
      const decision = d.decision === 'rejected' || d.decision === 'reject' ? 'rejected' : 'approved';
      const comment = str(d.comment);
      return withDetail(`${decision} (${workflow(d)})`, comment ? `“${comment}”` : null);
    }
    case 'workflow.approval_expired': {
      if (d.outcome === 'escalated') {
        const to = str(d.fallbackTo);
        return `found an approval overdue and asked ${to ?? 'the manager'} instead (${workflow(d)})`;
      }
      const outcome = d.outcome === 'approved' ? 'approved' : 'rejected';
      return `found an approval overdue and ${outcome} it, as the workflow says (${workflow(d)})`;
    }
    case 'workflow.finished':
      if (d.state === 'cancelled') return withDetail(`stopped ${workflow(d)}`, d.reason === 'rejected' ? 'the approval was rejected' : str(d.reason));
      if (d.state === 'failed') return `could not finish ${workflow(d)}`;
      // Ended early, its purpose met (the requester replied): why the steps after did not run.
      return withDetail(`finished ${workflow(d)}`, str(d.reason));
    case 'workflow.failed': {
      const name = stepName(d.step);
      return withDetail(`could not finish ${workflow(d)}${name ? `: step “${name}” failed` : ''}`, str(d.error));
    }
    case 'workflow.loop_prevented':
      return `did not start ${workflow(d)}: the change came from a workflow it would start again (loop prevented)`;
    case 'workflow.retry_requested':
      return str(d.workflowName) ? `retried ${workflow(d)} from the failed step` : 'retried a failed workflow run from the failed step';
    default:
      return null;
  }
}

/** What a run's step entry says inside the run's group (the workflow is named once, on the group): after the actor. */
export function formatRunStep(entry: Pick<TimelineEntry, 'type' | 'data'>): { text: string; detail?: string } | null {
  const d = entry.data ?? {};
  switch (entry.type) {
    case 'workflow.started':
      return { text: 'started the workflow' };
    case 'workflow.step_done': {
      const name = stepName(d.step);
      const summary = stepSummaryWords(str(d.summary));
      return { text: `${name ? `“${name}”` : 'a step'}${summary ? `: ${summary}` : ' done'}` };
    }
    case 'workflow.waiting_approval': {
      const approvers = strings(d.approvers);
      const who = approvers.length === 0 ? 'the approver' : d.mode === 'sequence' ? approvers[0]! : orWords(approvers);
      return { text: `asked ${who} for approval` };
    }
    case 'workflow.approval_decided': {
      const comment = str(d.comment);
      return { text: d.decision === 'rejected' || d.decision === 'reject' ? 'rejected' : 'approved', ...(comment ? { detail: `“${comment}”` } : {}) };
    }
    case 'workflow.approval_expired':
      return { text: (formatWorkflowEntry(entry) ?? '').replace(/ \(workflow “.*”\)$/, '') };
    case 'workflow.finished':
      if (d.state === 'cancelled')
        return {
          text: 'stopped the workflow',
          ...(d.reason === 'rejected' ? { detail: 'the approval was rejected' } : str(d.reason) ? { detail: str(d.reason)! } : {}),
        };
      if (d.state === 'failed') return { text: 'could not finish the workflow' };
      return { text: 'finished the workflow', ...(str(d.reason) ? { detail: str(d.reason)! } : {}) };
    case 'workflow.failed': {
      const name = stepName(d.step);
      return { text: `could not finish the workflow${name ? `: step “${name}” failed` : ''}`, ...(str(d.error) ? { detail: str(d.error)! } : {}) };
    }
    case 'workflow.retry_requested':
      return { text: 'retried the run from the failed step' };
    default:
      return null;
  }
}
