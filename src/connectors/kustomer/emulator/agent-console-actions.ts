/**
 * What the agent console's forms do (agent-console-page.ts posts here): each action goes through the same controls
 * as /__emulator/ (changeConversation, addNote, addMessage), so Kustomer's webhooks fire exactly as they do for the
 * control API and the tests. Then POST-redirect-GET back to the page with what happened, or why nothing did.
 *
 * Two choices are the console's own (our stand-in UI, not claims about Kustomer's app): a status change clears a
 * sub-status that belongs to another status (a sub-status lives under one parent status, docs/kustomer.md §28), and a
 * snooze time typed in the form is the emulator's local time (the visitor's, in the demo).
 */
import { z } from 'zod';
import { seeOther } from './agent-console-html.ts';
import { agentsOf, conversationPath, subStatusesOf } from './agent-console-page.ts';
import type { ControlFileInput } from './control-schemas.ts';
import type { EmulatorControl } from './emulator-control.ts';
import { KustomerError } from './kustomer-error.ts';
import type { ConversationRecord } from './records.ts';
import type { EmulatorStore } from './store.ts';

const Id = z.string().regex(/^[0-9a-f]{24}$/, 'not a Kustomer id');
const OptionalId = z.union([z.literal(''), Id]);
const By = { by: Id };

const ConsoleAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('open'), ...By }),
  z.object({ action: z.literal('done'), ...By }),
  z.object({
    action: z.literal('snooze'),
    ...By,
    snoozeUntil: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/, 'Pick a date and time to snooze until'),
  }),
  z.object({ action: z.literal('sub-status'), ...By, subStatus: OptionalId }),
  z.object({ action: z.literal('assign'), ...By, user: OptionalId, team: OptionalId, queue: Id, priority: z.coerce.number().int().min(1).max(5) }),
  z.object({ action: z.enum(['note', 'message', 'customer-message']), ...By, body: z.string().trim().min(1, 'Write something first').max(100_000) }),
]);
type ConsoleAction = z.infer<typeof ConsoleAction>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function filesOf(form: FormData): Promise<ControlFileInput[]> {
  const files = form.getAll('files').filter((f): f is File => typeof f !== 'string' && f.size > 0);
  return Promise.all(
    files.map(async (f) => ({
      name: f.name || 'file',
      contentType: f.type || 'application/octet-stream',
      contentBase64: Buffer.from(await f.arrayBuffer()).toString('base64'),
    })),
  );
}

/** Does one action; returns what the page says afterwards. Throws the write path's refusals (KustomerError). */
async function perform(
  control: EmulatorControl,
  store: EmulatorStore,
  conv: ConversationRecord,
  input: ConsoleAction,
  form: FormData,
  now: Date,
): Promise<string> {
  if (!agentsOf(store, conv.orgId).some((u) => u.id === input.by)) throw new Error('Pick one of the org’s agents to act as');
  const target = { org: conv.orgId, id: conv.id, by: input.by };
  // A status change drops a sub-status of another status; one of the new status stays.
  const keepSubStatus = (status: ConversationRecord['status']) =>
    conv.subStatus && !subStatusesOf(store, conv.orgId, status).some((s) => s.id === conv.subStatus) ? { subStatus: null } : {};
  switch (input.action) {
    case 'open':
      control.changeConversation({ ...target, status: 'open', ...keepSubStatus('open') });
      return 'Reopened';
    case 'done':
      control.changeConversation({ ...target, status: 'done', ...keepSubStatus('done') });
      return 'Marked done';
    case 'snooze': {
      const until = new Date(input.snoozeUntil);
      if (Number.isNaN(until.getTime()) || until <= now) throw new Error('Pick a time in the future to snooze until');
      control.changeConversation({ ...target, status: 'snoozed', snooze: { time: until.toISOString(), status: 'scheduled' }, ...keepSubStatus('snoozed') });
      return 'Snoozed';
    }
    case 'sub-status': {
      const picked = input.subStatus || null;
      if (picked && !subStatusesOf(store, conv.orgId, conv.status).some((s) => s.id === picked)) throw new Error('That sub-status is not one of this status');
      if (picked === conv.subStatus) return 'Nothing changed';
      control.changeConversation({ ...target, subStatus: picked });
      return picked ? `Sub-status set to ${store.subStatuses.get(picked)?.label ?? picked}` : 'Sub-status cleared';
    }
    case 'assign': {
      const change = {
        assignedUsers: input.user ? [input.user] : [],
        assignedTeams: input.team ? [input.team] : [],
        queue: { id: input.queue },
        priority: input.priority,
      };
      // Only what the agent changed: an unchanged field would be a change event Bridgedesk has to read for nothing.
      const changed = {
        ...(!same(change.assignedUsers, conv.assignedUsers) && { assignedUsers: change.assignedUsers }),
        ...(!same(change.assignedTeams, conv.assignedTeams) && { assignedTeams: change.assignedTeams }),
        ...(input.queue !== conv.queueId && { queue: change.queue }),
        ...(input.priority !== conv.priority && { priority: input.priority }),
      };
      if (!Object.keys(changed).length) return 'Nothing changed';
      control.changeConversation({ ...target, ...changed });
      return 'Assignment saved';
    }
    case 'note':
      control.addNote({ ...target, body: input.body, attachments: await filesOf(form) });
      return 'Note added';
    case 'message':
      control.addMessage({ ...target, body: input.body, direction: 'out', attachments: await filesOf(form) });
      return 'Message sent to the customer';
    case 'customer-message': {
      const { by: _agent, ...asCustomer } = target;
      control.addMessage({ ...asCustomer, body: input.body, direction: 'in', attachments: await filesOf(form) });
      return "The customer's message arrived";
    }
  }
}

/** A form posted to a conversation page: act, then redirect back (303) saying what happened. */
export async function conversationAction(control: EmulatorControl, store: EmulatorStore, req: Request, conv: ConversationRecord, now: Date): Promise<Response> {
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return new Response('The form could not be read', { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'));
  const back = (outcome: { done: string } | { error: string }, by?: string) => {
    const q = new URLSearchParams({ ...(by && { as: by }), ...outcome });
    return seeOther(`${conversationPath(conv)}?${q}`);
  };
  const parsed = ConsoleAction.safeParse(fields);
  if (!parsed.success)
    return back({ error: parsed.error.issues[0]?.message ?? 'That form is not one the console knows' }, typeof fields.by === 'string' ? fields.by : undefined);
  try {
    return back({ done: await perform(control, store, conv, parsed.data, form, now) }, parsed.data.by);
  } catch (err) {
    // The write path's refusals (KustomerError, a 400 over the API) and the console's own, shown on the page.
    if (err instanceof KustomerError || err instanceof Error) return back({ error: err.message }, parsed.data.by);
    throw err;
  }
}
