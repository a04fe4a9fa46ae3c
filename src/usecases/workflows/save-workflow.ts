/** Creating, editing (a new version each save) and enabling workflows. */
import type { UserActor } from '../../core/actor.ts';
import { notFound, unprocessable } from '../../core/errors.ts';
import { forEachStep, WorkflowDefinition } from '../../core/workflow-definition.ts';
import type { Db, Tx } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';

/** Rules the schema cannot say: a conversation needs a queue or a team; named approvers must exist. */
async function checkDefinition(tx: Tx, def: WorkflowDefinition) {
  const problems: Record<string, string> = {};
  const userIds = new Set<string>();
  forEachStep(def.steps, (s, path) => {
    if (s.type === 'create_conversation' && Boolean(s.queueId) === Boolean(s.teamId)) problems[`steps.${path}`] = 'Choose a queue or a team';
    if (s.type === 'create_conversation' && s.assigneeUserId && s.assigneeTeamId) problems[`steps.${path}.assigneeTeamId`] = 'Assign either a person or a team';
    if (s.type === 'approval' && s.approver.type === 'user') userIds.add(s.approver.userId);
    if (s.type === 'approval' && s.approver.type === 'group') s.approver.userIds.forEach((u) => userIds.add(u));
    if (s.type === 'notify' && s.to === 'email' && !s.email) problems[`steps.${path}`] = 'Give the email address';
  });
  if (userIds.size) {
    const found = await tx
      .selectFrom('users')
      .select('id')
      .where('id', 'in', [...userIds])
      .where('active', '=', true)
      .execute();
    if (found.length !== userIds.size) problems.approvers = 'An approver does not exist or is deactivated';
  }
  if (Object.keys(problems).length) throw unprocessable('The workflow has steps that cannot run', { fields: problems });
}

async function addVersion(tx: Tx, workflowId: string, definition: WorkflowDefinition, actor: UserActor) {
  await checkDefinition(tx, definition);
  const last = await tx
    .selectFrom('workflow_versions')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('workflow_id', '=', workflowId)
    .executeTakeFirst();
  const version = await tx
    .insertInto('workflow_versions')
    .values({ workflow_id: workflowId, version: Number(last?.v ?? 0) + 1, definition: JSON.stringify(definition), created_by_id: actor.userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.updateTable('workflows').set({ current_version_id: version.id, updated_at: new Date() }).where('id', '=', workflowId).execute();
}

export async function createWorkflow(
  db: Db,
  actor: UserActor,
  input: { name: string; description?: string; enabled?: boolean; definition: WorkflowDefinition },
): Promise<string> {
  return withTransaction(db, async (tx) => {
    const row = await tx
      .insertInto('workflows')
      .values({ name: input.name, description: input.description ?? '', enabled: input.enabled ?? false, created_by_id: actor.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await addVersion(tx, row.id, input.definition, actor);
    return row.id;
  });
}

export async function updateWorkflow(db: Db, actor: UserActor, id: string, input: { name: string; description?: string; definition: WorkflowDefinition }) {
  await withTransaction(db, async (tx) => {
    const wf = await tx.selectFrom('workflows').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!wf) throw notFound('Workflow');
    await tx
      .updateTable('workflows')
      .set({ name: input.name, description: input.description ?? '' })
      .where('id', '=', id)
      .execute();
    await addVersion(tx, id, input.definition, actor);
  });
}

export async function setWorkflowEnabled(db: Db, id: string, enabled: boolean) {
  const r = await db.updateTable('workflows').set({ enabled, updated_at: new Date() }).where('id', '=', id).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw notFound('Workflow');
}
