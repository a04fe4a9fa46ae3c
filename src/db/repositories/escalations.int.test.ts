/** The one writer of escalations: a state change the lifecycle table does not allow is refused there, and nothing is written. */
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/test-app.ts';
import { escalationInsert, findEscalation, updateEscalation } from './escalations.ts';

const t = await createTestApp();
const agent = await t.createUser('agent');

async function escalationIn(state: 'sending' | 'failed') {
  const request = await t.api(agent, 'POST', '/api/v1/requests', { title: 'Printer on fire', requesterId: agent.id });
  expect(request.status).toBe(201);
  const row = await escalationInsert(t.db, { request_id: request.body.id, provider: 'kustomer', state: 'sending', subject: 's', message: 'm' })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (state === 'sending') return row;
  await updateEscalation(t.db, row, { state: 'failed', last_error: 'Invalid credentials' }, new Date());
  return (await findEscalation(t.db, row.id))!;
}

describe('the escalation writer', () => {
  it('refuses a move the lifecycle table does not allow (failed → linked) as a conflict, and writes nothing', async () => {
    const failed = await escalationIn('failed');
    const move = updateEscalation(t.db, failed, { state: 'linked', last_error: null }, new Date());
    await expect(move).rejects.toMatchObject({
      code: 'conflict',
      message: 'An escalation cannot go from failed to linked',
      details: { lifecycle: 'escalation', state: 'failed', to: 'linked' },
    });
    expect(await findEscalation(t.db, failed.id)).toMatchObject({ state: 'failed', last_error: 'Invalid credentials' });
  });

  it('writes a move the table allows (sending → created), and columns without a state change', async () => {
    const sending = await escalationIn('sending');
    await updateEscalation(t.db, sending, { state: 'created', remote_id: 'c1' }, new Date());
    await updateEscalation(t.db, { ...sending, state: 'created' }, { message_posted: true }, new Date());
    expect(await findEscalation(t.db, sending.id)).toMatchObject({ state: 'created', remote_id: 'c1', message_posted: true });
  });

  it('refuses to insert an escalation that starts anywhere but its first state', () => {
    expect(() => escalationInsert(t.db, { request_id: 'x', provider: 'kustomer', state: 'linked' })).toThrow('An escalation cannot start linked');
  });
});
