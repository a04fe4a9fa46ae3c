/**
 * What an agent pasted to name a Kustomer conversation, read without a call (docs/kustomer.md §25):
 *
 * - the web app's conversation links, on the org's own host `https://<org>.kustomerapp.com` (every region: D-REG):
 *   `/app/customers/<customer id>/event/<conversation id>` (confirmed: YextSolutions/kustomer-conversations-connector,
 *   and links in public code) and `/app/conversations/<conversation id>` (confirmed: links built by public code);
 *   a `conversationId=<id>` query on any app page (assumed: a shape some app views were reported to use);
 * - API links: `https://<org>.api.kustomerapp.com/v1/conversations/<id>` (documented: D-REG, the API reference), also
 *   on the regional hosts `api.kustomerapp.com`, `api.prod2.kustomerapp.com` (EU), `api.prod4.kustomerapp.com` (India),
 *   which name no org: the read with our key decides (a conversation of another org is not found);
 * - a bare conversation id (24 hex digits, ObjectId style: confirmed, docs/kustomer.md §6).
 *
 * A link on another org's host is refused by name, before any call: our key cannot read it, and "not found" would
 * hide the real mistake. The configured hosts (the emulator, a regional override) count as the connected org's.
 */
import type { TicketRef } from '../../core/destination.ts';

const ID = /^[0-9a-f]{24}$/i;
const DOMAIN = 'kustomerapp.com';
/** Regional API hosts: no org in the name (D-REG). */
const REGIONAL_API = new Set([`api.${DOMAIN}`, `api.prod2.${DOMAIN}`, `api.prod4.${DOMAIN}`]);
/** Kustomer's own hosts under the domain that are not an org's web app. */
const NOT_AN_ORG = new Set(['api', 'cdn', 'www', 'help', 'developer', 'status']);

export interface RefHosts {
  /** The connected org (already a checked DNS label). */
  org: string;
  /** Server configuration (KUSTOMER_WEB_URL, KUSTOMER_BASE_URL): their hosts are the connected org's. */
  webUrlOverride?: string | null;
  baseUrlOverride?: string | null;
}

const hostOf = (url: string | null | undefined) => {
  try {
    return url ? new URL(url).host.toLowerCase() : null;
  } catch {
    return null;
  }
};

/** Whose host it is: the connected org's, another org's (named), a regional API host, or not Kustomer's at all. */
function hostOwner(host: string, hosts: RefHosts): { org: string | null; api: boolean } | null {
  if (host === hostOf(hosts.webUrlOverride)) return { org: hosts.org, api: false };
  if (host === hostOf(hosts.baseUrlOverride)) return { org: hosts.org, api: true };
  if (REGIONAL_API.has(host)) return { org: null, api: true };
  if (!host.endsWith(`.${DOMAIN}`)) return null;
  const labels = host.slice(0, -DOMAIN.length - 1).split('.');
  if (labels.length === 2 && labels[1] === 'api') return { org: labels[0]!, api: true };
  if (labels.length === 1 && !NOT_AN_ORG.has(labels[0]!)) return { org: labels[0]!, api: false };
  return null;
}

function readUrl(input: string): URL | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`;
  try {
    const url = new URL(withScheme);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** The conversation id a path (and query) of the web app or the API names; a message when it names none. */
function conversationIn(url: URL, api: boolean): { id: string } | { message: string } {
  const parts = url.pathname.split('/').filter(Boolean);
  const fromQuery = url.searchParams.get('conversationId');
  let id: string | undefined;
  if (api) {
    // /v1/conversations/<id>, and its sub-resources (/notes, /messages)
    if (parts[0] === 'v1' && parts[1] === 'conversations') id = parts[2];
  } else if (parts[0] === 'app') {
    if (parts[1] === 'conversations') id = parts[2];
    else if (parts[1] === 'customers' && parts[3] === 'event') id = parts[4];
    else if (fromQuery) id = fromQuery;
    else if (parts[1] === 'customers')
      return { message: 'This link opens a customer in Kustomer, not one of their conversations: open the conversation and copy its link' };
  }
  if (id === undefined) return { message: 'This Kustomer link does not open a conversation: open the conversation in Kustomer and copy its link' };
  try {
    id = decodeURIComponent(id);
  } catch {
    return { message: 'This Kustomer link is damaged: copy it again from Kustomer' };
  }
  return ID.test(id) ? { id: id.toLowerCase() } : { message: `"${id}" is not a Kustomer conversation id (24 hexadecimal digits)` };
}

export function parseConversationRef(raw: string, hosts: RefHosts): TicketRef {
  const input = raw.trim();
  if (ID.test(input)) return { kind: 'ticket', ticketId: input.toLowerCase() };
  const looksLikeLink = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) || /^[^\s/@]+\.[a-z]{2,}(?::\d+)?\//i.test(input);
  if (!looksLikeLink || /\s/.test(input)) return { kind: 'text' };
  const url = readUrl(input);
  if (!url) return { kind: 'invalid', message: 'This is not a link Bridgedesk can read' };
  const owner = hostOwner(url.host.toLowerCase(), hosts);
  if (!owner) return { kind: 'invalid', message: `${url.host} is not Kustomer: paste the conversation's link from Kustomer` };
  if (owner.org !== null && owner.org !== hosts.org) return { kind: 'other_account', account: owner.org };
  const found = conversationIn(url, owner.api);
  return 'id' in found ? { kind: 'ticket', ticketId: found.id } : { kind: 'invalid', message: found.message };
}
