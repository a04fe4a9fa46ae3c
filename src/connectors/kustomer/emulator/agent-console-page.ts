/**
 * The agent console's conversation page at /app/customers/<customerId>/event/<conversationId>, the path of Kustomer's
 * own agent app (docs/kustomer.md §20), so Bridgedesk's "Open in Kustomer" links lead here in the demo and in browser
 * tests. It is the emulator's stand-in, not Kustomer's UI: it shows the conversation (status, sub-status, assignee,
 * team, queue, priority) and its thread, and its forms let a visitor act as a Kustomer agent; they post to this page
 * (agent-console-actions.ts), which writes through the same controls as /__emulator/. No auth, like the controls.
 */
import { esc, flash, html, layout, localInputValue, shortTime } from './agent-console-html.ts';
import type { ConversationRecord, CustomerRecord, OrgRecord, UserRecord } from './records.ts';
import { inOrg, type EmulatorStore } from './store.ts';

export const AGENT_APP_PATH = /^\/app\/customers\/([0-9a-f]{24})\/event\/([0-9a-f]{24})$/;

export const conversationPath = (c: Pick<ConversationRecord, 'customerId' | 'id'>) => `/app/customers/${c.customerId}/event/${c.id}`;

/** The people of the org a visitor may act as: its agents, not the API keys' machine users. */
export const agentsOf = (store: EmulatorStore, orgId: string): UserRecord[] => inOrg(store.users, orgId).filter((u) => u.userType !== 'machine');

/** Who the visitor acts as: `?as=` when it names one of the org's agents, else the first of them. */
export function actingAs(store: EmulatorStore, org: OrgRecord, url: URL): UserRecord | null {
  const agents = agentsOf(store, org.id);
  return agents.find((u) => u.id === url.searchParams.get('as')) ?? agents[0] ?? null;
}

/** The customer as an agent reads them: their name, else their first email. */
export const customerName = (c: CustomerRecord | undefined) => c?.name ?? c?.emails[0]?.email ?? 'Customer';

const STATUS_TEXT = { open: 'Open', snoozed: 'Snoozed', done: 'Done' } as const;

/** The org's conversation sub-statuses under one parent status. */
export const subStatusesOf = (store: EmulatorStore, orgId: string, parent: ConversationRecord['status']) =>
  inOrg(store.subStatuses, orgId).filter((s) => s.resourceType === 'conversation' && s.parentStatus === parent);

export function statusText(conv: ConversationRecord): string {
  const until = conv.status === 'snoozed' && conv.snooze?.status === 'scheduled' ? ` until ${shortTime(conv.snooze.time)}` : '';
  return `<span class="status status-${esc(conv.status)}" data-testid="console-status">${STATUS_TEXT[conv.status]}${until}</span>`;
}

export const subStatusName = (store: EmulatorStore, conv: ConversationRecord) =>
  conv.subStatus ? (store.subStatuses.get(conv.subStatus)?.label ?? conv.subStatus) : null;

export function assigneeText(store: EmulatorStore, conv: ConversationRecord): string {
  const names = conv.assignedUsers.map((id) => store.users.get(id)?.name ?? id);
  return names.length ? names.join(', ') : 'Unassigned';
}

export const teamText = (store: EmulatorStore, conv: ConversationRecord) =>
  conv.assignedTeams.map((id) => store.teams.get(id)?.displayName ?? id).join(', ') || '—';

const option = (value: string, label: string, selected: boolean) => `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;

function threadOf(store: EmulatorStore, conv: ConversationRecord): string {
  const customer = store.customers.get(conv.customerId);
  const userName = (userId: string | null) => (userId ? (store.users.get(userId)?.name ?? userId) : 'Kustomer');
  // A message from the customer is theirs, also when an integration recorded it through the API (its machine user).
  const author = (userId: string | null, direction?: 'in' | 'out') => {
    if (direction !== 'in') return esc(userName(userId));
    const via = userId ? ` <span class="muted">(via ${esc(userName(userId))})</span>` : '';
    return `${esc(customerName(customer))}${via}`;
  };
  const files = (ids: string[]) => {
    const list = ids.map((id) => store.attachments.get(id)).filter((a) => a !== undefined);
    if (!list.length) return '';
    const kb = (n: number) => (n < 1024 ? `${n} B` : `${Math.round(n / 1024)} KB`);
    return `<ul class="files">${list.map((a) => `<li><a href="/app/attachments/${esc(a.id)}">${esc(a.name)}</a> <span class="muted">${kb(a.contentLength)}</span></li>`).join('')}</ul>`;
  };
  const items = [
    ...inOrg(store.messages, conv.orgId)
      .filter((m) => m.conversationId === conv.id)
      .map((m) => ({
        at: m.createdAt,
        html: `<article class="item ${m.direction}" data-kind="message"><div class="by"><b>${author(m.createdBy, m.direction)}</b> · ${
          m.direction === 'in' ? 'message from the customer' : 'message to the customer'
        } · ${esc(m.channel)} · ${shortTime(m.createdAt)}</div>${m.subject ? `<div><b>${esc(m.subject)}</b></div>` : ''}<div class="text">${esc(m.preview)}</div>${files(m.attachmentIds)}</article>`,
      })),
    ...inOrg(store.notes, conv.orgId)
      .filter((n) => n.conversationId === conv.id)
      .map((n) => ({
        at: n.createdAt,
        html: `<article class="item note" data-kind="note"><div class="by"><b>${author(n.createdBy)}</b> · internal note · ${shortTime(n.createdAt)}</div><div class="text">${esc(n.body)}</div>${files(n.attachmentIds)}</article>`,
      })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return items.length ? items.map((i) => i.html).join('') : '<p class="muted">Nothing written on this conversation yet.</p>';
}

function sidePanel(store: EmulatorStore, conv: ConversationRecord, now: Date, by: string, path: string): string {
  const hidden = `<input type="hidden" name="by" value="${esc(by)}">`;
  // Only the current status's sub-statuses: a sub-status belongs to one parent status (docs/kustomer.md §28).
  const subStatuses = subStatusesOf(store, conv.orgId, conv.status);
  const tomorrow9 = new Date(now.getTime() + 86_400_000);
  tomorrow9.setHours(9, 0, 0, 0);
  const snoozeDefault = conv.status === 'snoozed' && conv.snooze?.status === 'scheduled' ? new Date(conv.snooze.time) : tomorrow9;
  const agents = agentsOf(store, conv.orgId);
  const teams = inOrg(store.teams, conv.orgId);
  const queues = inOrg(store.queues, conv.orgId).filter((q) => !q.deleted || q.id === conv.queueId);
  return `<section class="card" aria-labelledby="status-h"><h2 id="status-h">Status</h2>
<form method="post" action="${esc(path)}" class="row">${hidden}${conv.status !== 'open' ? '<button name="action" value="open">Reopen</button>' : ''}${
    conv.status !== 'done' ? '<button name="action" value="done">Mark done</button>' : ''
  }</form>
<form method="post" action="${esc(path)}" class="row" style="margin-top:.6rem">${hidden}<label>Snooze until<input type="datetime-local" name="snoozeUntil" value="${esc(localInputValue(snoozeDefault))}" min="${esc(localInputValue(now))}" required></label>
<button name="action" value="snooze" class="secondary">Snooze</button></form></section>
<section class="card" aria-labelledby="sub-h"><h2 id="sub-h">Sub-status</h2>${
    subStatuses.length
      ? `<form method="post" action="${esc(path)}" class="row">${hidden}<input type="hidden" name="action" value="sub-status">
<label>Sub-status of ${STATUS_TEXT[conv.status]}<select name="subStatus">${option('', 'None', !conv.subStatus)}${subStatuses.map((x) => option(x.id, x.label, conv.subStatus === x.id)).join('')}</select></label><button>Set</button></form>`
      : `<p class="muted">This org has no sub-statuses for ${STATUS_TEXT[conv.status]}.</p>`
  }</section>
<section class="card" aria-labelledby="routing-h"><h2 id="routing-h">Assignment</h2>
<form method="post" action="${esc(path)}" class="stack">${hidden}<input type="hidden" name="action" value="assign">
<label>Assignee<select name="user">${option('', 'Unassigned', !conv.assignedUsers.length)}${agents.map((u) => option(u.id, u.name, conv.assignedUsers[0] === u.id)).join('')}</select></label>
<label>Team<select name="team">${option('', 'No team', !conv.assignedTeams.length)}${teams.map((t) => option(t.id, t.displayName, conv.assignedTeams[0] === t.id)).join('')}</select></label>
<label>Queue<select name="queue">${queues.map((q) => option(q.id, q.displayName, q.id === conv.queueId)).join('')}</select></label>
<label>Priority<select name="priority">${[1, 2, 3, 4, 5].map((p) => option(String(p), `${p}${p === 3 ? ' (normal)' : p === 5 ? ' (highest)' : p === 1 ? ' (lowest)' : ''}`, conv.priority === p)).join('')}</select></label>
<button>Save assignment</button></form></section>`;
}

/**
 * The conversation's custom attributes as Kustomer's agent desktop labels them (the metadata's displayName), so what
 * Bridgedesk's field mapping sends shows where a Kustomer agent would read it. Read-only: agents here change none.
 */
function attributesCard(store: EmulatorStore, conv: ConversationRecord): string {
  const labels = store.metadata.get(`${conv.orgId}:conversation`) ?? {};
  const set = Object.entries(conv.custom).filter(([, v]) => v !== null && v !== undefined && v !== '');
  const value = (v: unknown) => (typeof v === 'string' && /^https?:\/\//.test(v) ? `<a href="${esc(v)}">${esc(v)}</a>` : esc(String(v)));
  return `<section class="card" aria-labelledby="attrs-h"><h2 id="attrs-h">Attributes</h2>${
    set.length
      ? `<dl class="attrs" data-testid="console-attributes">${set.map(([k, v]) => `<div><dt>${esc(labels[k]?.displayName ?? k)}</dt><dd>${value(v)}</dd></div>`).join('')}</dl>`
      : '<p class="muted">No custom attributes set on this conversation.</p>'
  }</section>`;
}

export function conversationPage(store: EmulatorStore, customerId: string, conversationId: string, url: URL, now: Date): Response {
  const conv = store.conversations.get(conversationId);
  const org = conv && store.orgs.get(conv.orgId);
  if (!conv || !org || conv.customerId !== customerId) {
    return html(layout({ title: 'Not found', body: '<h1>Conversation not found</h1><p><a href="/app/conversations">All conversations</a></p>' }), 404);
  }
  const customer = store.customers.get(conv.customerId);
  const queue = store.queues.get(conv.queueId);
  const path = conversationPath(conv);
  const by = actingAs(store, org, url);
  const sub = subStatusName(store, conv);
  const head = `<div class="head">${flash(url)}<p class="muted">${esc(org.name)} · customer ${esc(customerName(customer))}${
    customer?.emails[0] && customer.emails[0].email !== customerName(customer) ? ` &lt;${esc(customer.emails[0].email)}&gt;` : ''
  }</p>
<h1>${esc(conv.name ?? '(no subject)')}</h1>
<p class="muted">Conversation <code data-testid="conversation-id">${esc(conv.id)}</code>${conv.externalId ? ` · external id <code>${esc(conv.externalId)}</code>` : ''}</p>
<dl class="facts"><div><dt>Status</dt><dd>${statusText(conv)}</dd></div><div><dt>Sub-status</dt><dd data-testid="console-sub-status">${esc(sub ?? '—')}</dd></div>
<div><dt>Assignee</dt><dd data-testid="console-assignee">${esc(assigneeText(store, conv))}</dd></div><div><dt>Team</dt><dd>${esc(teamText(store, conv))}</dd></div>
<div><dt>Queue</dt><dd>${esc(queue?.displayName ?? '—')}</dd></div><div><dt>Priority</dt><dd>${esc(conv.priority)}</dd></div>
<div><dt>Last activity</dt><dd>${shortTime(conv.lastActivityAt)}</dd></div></dl>
<p class="jump"><a href="#thread-h">Conversation ↓</a> <a href="#write-h">Write ↓</a></p></div>`;
  const actions = by
    ? sidePanel(store, conv, now, by.id, path)
    : '<p class="card muted">This org has no agents to act as: create a user with the controls first.</p>';
  const composer = by
    ? `<section class="card" aria-labelledby="write-h"><h2 id="write-h">Write</h2>
<form method="post" action="${esc(path)}" enctype="multipart/form-data" class="stack"><input type="hidden" name="by" value="${esc(by.id)}">
<label>Text<textarea name="body" required></textarea></label><label>Files (on a note or a message)<input type="file" name="files" multiple></label>
<div class="row"><button name="action" value="note">Add internal note</button><button name="action" value="message" class="secondary">Send to customer</button>
<button name="action" value="customer-message" class="secondary" title="Simulates the customer writing in, as if by email">Customer writes in</button></div></form></section>`
    : '';
  const body = `<div class="layout">${head}<div class="side">${actions}${attributesCard(store, conv)}</div><div class="thread"><section aria-labelledby="thread-h"><h2 id="thread-h">Conversation</h2>${threadOf(
    store,
    conv,
  )}</section>${composer}</div></div>`;
  return html(layout({ title: conv.name ?? 'Conversation', body, actingAs: by ? { path, current: by.id, users: agentsOf(store, org.id) } : undefined }));
}
