/**
 * What would make a saved workflow fail that an admin can see before it runs: a conversation step that sends to a
 * queue or team that no longer exists in Kustomer (or that agents may no longer escalate to). Shown in the workflow
 * list, with the target's last known name.
 */
import { PROVIDER_IDS, PROVIDERS, type ProviderId, providerId } from '../../connectors/registry.ts';
import { forEachStep, type Step } from '../../core/workflow-definition.ts';
import type { Queryable } from '../../db/database.ts';
import { findConnection, listTargets } from '../../db/repositories/destinations.ts';
import { listWorkflowViews } from '../../db/repositories/workflows.ts';

export interface WorkflowProblem {
  /** The step's path, as runs and the editor name it ("1", "2.then.0"). */
  path: string;
  kind: 'target_missing' | 'target_disabled';
  target: { kind: 'queue' | 'team'; id: string; name: string | null };
  message: string;
}

type Target = Awaited<ReturnType<typeof listTargets>>[number];

/** The problems of one definition against the destination's known queues and teams (null: not connected). */
export function targetProblems(steps: Step[], targets: Map<ProviderId, Target[] | null>): WorkflowProblem[] {
  const out: WorkflowProblem[] = [];
  forEachStep(steps, (step, path) => {
    if (step.type !== 'create_conversation') return;
    const destination = providerId(step.destination);
    const known = targets.get(destination);
    const id = step.queueId ?? step.teamId;
    if (!known || !id) return; // not connected: the editor and the run say so; no target yet: the editor says so
    const kind = step.queueId ? ('queue' as const) : ('team' as const);
    const t = known.find((x) => x.kind === kind && x.remoteId === id);
    const name = PROVIDERS[destination].displayName;
    if (!t || !t.available) {
      out.push({
        path,
        kind: 'target_missing',
        target: { kind, id, name: t?.name ?? null },
        message: `The ${kind} ${t ? `“${t.name}”` : id} no longer exists in ${name}`,
      });
    } else if (!t.enabled) {
      out.push({
        path,
        kind: 'target_disabled',
        target: { kind, id, name: t.name },
        message: `The ${kind} “${t.name}” is not enabled for escalation (Settings → ${name})`,
      });
    }
  });
  return out;
}

/** The workflows as the list shows them, each with its problems. */
export async function listWorkflowsWithProblems(q: Queryable, id?: string) {
  const workflows = await listWorkflowViews(q, id);
  const targets = new Map<ProviderId, Target[] | null>();
  for (const provider of PROVIDER_IDS) {
    const connection = await findConnection(q, provider);
    targets.set(provider, connection ? await listTargets(q, connection.id) : null);
  }
  return workflows.map((w) => ({ ...w, problems: targetProblems(w.definition.steps, targets) }));
}
