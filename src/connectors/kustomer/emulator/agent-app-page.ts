/**
 * A stand-in for Kustomer's agent web app at /app/customers/<customerId>/event/<conversationId>, so the
 * "Open in Kustomer" links Bridgedesk shows lead somewhere in the demo and in browser tests. It shows what an
 * agent would see: the conversation, its customer, messages and notes. Read-only; no auth (like the controls).
 */
import type { EmulatorStore } from './store.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const AGENT_APP_PATH = /^\/app\/customers\/([0-9a-f]{24})\/event\/([0-9a-f]{24})$/;

export function agentAppPage(store: EmulatorStore, customerId: string, conversationId: string): Response {
  const conv = store.conversations.get(conversationId);
  if (!conv || conv.customerId !== customerId)
    return new Response('<h1>Conversation not found</h1>', { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' } });
  const customer = store.customers.get(conv.customerId);
  const queue = store.queues.get(conv.queueId);
  const items = [
    ...[...store.messages.values()]
      .filter((m) => m.conversationId === conv.id)
      .map((m) => ({ at: m.createdAt, html: `<div class="msg"><b>Message · ${esc(m.channel)}</b> ${esc(m.subject ?? '')}<pre>${esc(m.preview)}</pre></div>` })),
    ...[...store.notes.values()]
      .filter((n) => n.conversationId === conv.id)
      .map((n) => ({ at: n.createdAt, html: `<div class="note"><b>Note</b><pre>${esc(n.body)}</pre></div>` })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(conv.name)} · Kustomer (emulator)</title>
<style>body{font:15px system-ui;max-width:760px;margin:2rem auto;color:#222}.meta{color:#555}.msg,.note{border:1px solid #ddd;border-radius:8px;padding:.5rem .8rem;margin:.6rem 0}.note{background:#fff8dc}pre{white-space:pre-wrap;font:inherit;margin:.3rem 0 0}</style>
</head><body><p class="meta">Kustomer emulator · agent view</p><h1>${esc(conv.name)}</h1>
<p class="meta">Conversation <code data-testid="conversation-id">${esc(conv.id)}</code> · status <b>${esc(conv.status)}</b> · priority ${esc(conv.priority)} · queue ${esc(queue?.displayName ?? queue?.name)} · external id ${esc(conv.externalId)}</p>
<p class="meta">Customer: ${esc(customer?.name)} ${esc(customer?.emails?.[0]?.email ?? '')}</p>${items.map((i) => i.html).join('')}</body></html>`;
  return new Response(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
