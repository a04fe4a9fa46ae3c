/**
 * The agent console's routes under /app/ (the emulator's stand-in for Kustomer's agent app; no auth, like the
 * controls, so the emulator must only listen where the demo and tests reach it):
 * - /app and /app/conversations: every org's conversations, recently changed first, each linking to its page;
 * - /app/customers/<customerId>/event/<conversationId>: the conversation (GET) and its forms (POST, then 303 back);
 * - /app/attachments/<id>: a file of the thread, as a download.
 */
import { conversationAction } from './agent-console-actions.ts';
import { esc, html, layout, shortTime } from './agent-console-html.ts';
import { AGENT_APP_PATH, assigneeText, conversationPage, conversationPath, statusText, subStatusName } from './agent-console-page.ts';
import type { EmulatorControl } from './emulator-control.ts';
import type { EmulatorStore } from './store.ts';

export const isConsolePath = (pathname: string) => pathname === '/app' || pathname.startsWith('/app/');

function conversationList(store: EmulatorStore): Response {
  const all = [...store.conversations.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const several = store.orgs.size > 1;
  const rows = all
    .map((c) => {
      const customer = store.customers.get(c.customerId);
      const sub = subStatusName(store, c);
      return `<tr><td><a href="${esc(conversationPath(c))}">${esc(c.name ?? '(no subject)')}</a>${several ? ` <span class="muted">· ${esc(store.orgs.get(c.orgId)?.name)}</span>` : ''}</td>
<td data-label="Customer">${esc(customer?.name ?? customer?.emails[0]?.email ?? '')}</td><td data-label="Status">${statusText(c)}${sub ? ` <span class="muted">${esc(sub)}</span>` : ''}</td>
<td data-label="Assignee">${esc(assigneeText(store, c))}</td><td data-label="Queue">${esc(store.queues.get(c.queueId)?.displayName ?? '')}</td><td data-label="Updated">${shortTime(c.updatedAt)}</td></tr>`;
    })
    .join('');
  const body = `<h1>Conversations</h1><p class="muted">Every conversation the emulator holds. Open one to act on it as a Kustomer agent: Bridgedesk follows through its webhook.</p>${
    all.length
      ? `<table class="list"><thead><tr><th>Conversation</th><th>Customer</th><th>Status</th><th>Assignee</th><th>Queue</th><th>Updated</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p class="card">No conversations yet: escalate a request in Bridgedesk and it appears here.</p>'
  }`;
  return html(layout({ title: 'Conversations', body }));
}

function attachmentDownload(store: EmulatorStore, id: string): Response {
  const a = store.attachments.get(id);
  if (!a?.bytes) return html(layout({ title: 'Not found', body: '<h1>File not found</h1>' }), 404);
  // A download, never rendered in the console's origin: whatever the bytes are, they cannot run here.
  return new Response(new Uint8Array(a.bytes), {
    headers: {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(a.name)}`,
      'x-content-type-options': 'nosniff',
    },
  });
}

export async function handleConsoleRequest(req: Request, deps: { store: EmulatorStore; control: EmulatorControl; now: () => Date }): Promise<Response> {
  const url = new URL(req.url);
  const { pathname } = url;
  const { store } = deps;
  if (req.method === 'GET' && (pathname === '/app' || pathname === '/app/' || pathname === '/app/conversations')) return conversationList(store);
  const file = /^\/app\/attachments\/([0-9a-f]{24})$/.exec(pathname);
  if (file && req.method === 'GET') return attachmentDownload(store, file[1]!);
  const page = AGENT_APP_PATH.exec(pathname);
  if (page) {
    const [, customerId, conversationId] = page as unknown as [string, string, string];
    if (req.method === 'GET') return conversationPage(store, customerId, conversationId, url, deps.now());
    // No auth, but no other site's form either: a browser names the page a form came from (Origin) on every POST.
    const origin = req.headers.get('origin');
    if (req.method === 'POST' && origin && origin !== url.origin)
      return html(layout({ title: 'Refused', body: '<h1>Refused: a form from another site</h1>' }), 403);
    const conv = store.conversations.get(conversationId);
    if (req.method === 'POST' && conv && conv.customerId === customerId) return conversationAction(deps.control, store, req, conv, deps.now());
    if (req.method === 'POST') return conversationPage(store, customerId, conversationId, url, deps.now());
    return new Response(null, { status: 405, headers: { allow: 'GET, POST' } });
  }
  return html(layout({ title: 'Not found', body: '<h1>Page not found</h1><p><a href="/app/conversations">All conversations</a></p>' }), 404);
}
